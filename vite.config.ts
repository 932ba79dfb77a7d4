import { fileURLToPath, URL } from 'node:url'
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { defineConfig } from 'vitest/config'
import type { Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import VueI18n from '@intlify/unplugin-vue-i18n/vite'
import { VitePWA, type ManifestOptions } from 'vite-plugin-pwa'
import pkg from './package.json' with { type: 'json' }

/** A label for this build: `APP_BUILD` when set, else the commit, else the build time. */
function buildLabel(): string {
  if (process.env.APP_BUILD) return process.env.APP_BUILD
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return new Date().toISOString().slice(0, 16)
  }
}

/**
 * Write `.br` and `.gz` beside each text file, so the endpoint sends them without compressing on
 * every request: on 2G every kilobyte counts. `sw.js` is left out: it is written after this runs.
 */
function precompress(): Plugin {
  let outDir = 'dist'
  return {
    name: 'giao-uoc:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir
    },
    closeBundle() {
      for (const entry of readdirSync(outDir, { recursive: true, encoding: 'utf8' })) {
        if (!/\.(js|css|html|svg|json|webmanifest)$/.test(entry) || entry === 'sw.js') continue
        const file = path.join(outDir, entry)
        const content = readFileSync(file)
        if (content.length < 1024) continue
        writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }))
        writeFileSync(`${file}.br`, brotliCompressSync(content))
      }
    },
  }
}

/** A module only the dashboard loads: its folder (`src/dashboard/`), its messages, and the QR code maker. */
function isDashboardModule(id: string): boolean {
  return /[\\/]src[\\/](dashboard|i18n[\\/]locales[\\/]dashboard)[\\/]|[\\/]node_modules[\\/](qrcode|dijkstrajs)[\\/]/.test(id)
}

/**
 * The dashboard's stylesheets, found as the bundle is written: those only dashboard chunks import.
 * Vite names a shared chunk's CSS after the chunk, not its folder, so the precache leaves these
 * out by this list rather than by a path pattern.
 */
function dashboardStyles(): Plugin & { files: Set<string> } {
  const files = new Set<string>()
  return {
    name: 'giao-uoc:dashboard-styles',
    apply: 'build',
    files,
    generateBundle(_options, bundle) {
      const field = new Set<string>()
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue
        const css = chunk.viteMetadata?.importedCss ?? new Set<string>()
        for (const file of css) (chunk.moduleIds.some(isDashboardModule) ? files : field).add(file)
      }
      for (const file of field) files.delete(file)
    },
  }
}
const dashboardCss = dashboardStyles()

/** The web app manifest: Vietnamese first, installable, with a shortcut to a new report. */
const manifest: Partial<ManifestOptions> = {
  id: '/',
  lang: 'vi',
  dir: 'ltr',
  name: 'Giao Ước – Báo cáo thi đua từ cơ sở',
  short_name: 'Giao Ước',
  description: 'Ghi nhận kết quả thực hiện giao ước thi đua và giúp đỡ xã khó khăn, kể cả khi không có mạng.',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  orientation: 'portrait',
  theme_color: '#8e1b1b',
  background_color: '#f7f4ef',
  categories: ['productivity', 'government'],
  icons: [
    { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
  shortcuts: [
    {
      name: 'Báo cáo mới',
      short_name: 'Báo cáo mới',
      description: 'Lập báo cáo kết quả đi cơ sở',
      url: '/reports/new',
      icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }],
    },
  ],
}

export default defineConfig({
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
    __APP_BUILD__: JSON.stringify(buildLabel()),
    // Composition API only: Vue's Options API code stays out of the field path.
    __VUE_OPTIONS_API__: 'false',
  },
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  plugins: [
    vue(),
    // Messages are compiled at build time, so the field path ships vue-i18n without its compiler.
    VueI18n({
      include: [fileURLToPath(new URL('./src/i18n/locales/**/*.json', import.meta.url))],
      runtimeOnly: true,
      compositionOnly: true,
      fullInstall: false,
      dropMessageCompiler: true,
      strictMessage: true,
    }),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      manifest,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html}'],
        globIgnores: ['assets/dashboard/**'],
        manifestTransforms: [(entries) => ({ manifest: entries.filter((entry) => !dashboardCss.files.has(entry.url)), warnings: [] })],
      },
      devOptions: { enabled: false },
    }),
    dashboardCss,
    precompress(),
  ],
  build: {
    target: 'es2022',
    rolldownOptions: {
      output: {
        // The framework every screen needs is one chunk: when the dashboard shares it, the field
        // path still loads one file of it rather than several smaller ones that compress worse.
        codeSplitting: { groups: [{ name: 'framework', test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/ }] },
        // The dashboard's code in a folder of its own, which the service worker does not precache:
        // a cadre's phone never downloads it.
        chunkFileNames: (chunk) => (chunk.moduleIds.some(isDashboardModule) ? 'assets/dashboard/[name]-[hash].js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'happy-dom',
        },
      },
      {
        test: {
          name: 'server',
          include: ['tests/server/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/server/postgres-template.ts'],
        },
      },
    ],
  },
})
