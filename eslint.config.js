// @ts-check
import pluginVue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier/flat'
import { defineConfigWithVueTs, vueTsConfigs, configureVueProject } from '@vue/eslint-config-typescript'

configureVueProject({ tsSyntaxInTemplates: true, rootDir: import.meta.dirname })

/**
 * The layers of DESIGN.md, as import rules: each entry names a folder and what it must not import.
 * Relative and `@/` imports are both caught, since patterns match any path containing the folder.
 */
const frameworks = ['vue', 'vue-router', 'pinia', 'vue-i18n', 'dexie', 'workbox-*', 'virtual:*']
const nodeOnly = ['node:*', 'fastify', '@fastify/*', 'kysely', 'better-sqlite3', '**/server/**']
/** @param {string} name */
const layer = (name) => [`**/${name}`, `**/${name}/**`, `@/${name}`, `@/${name}/**`]
/** @param {string[]} names */
const layers = (...names) => names.flatMap(layer)

/**
 * Field code never loads the dashboard statically: the router's lazy `import()` of its screens is
 * the one way in, so that the field path stays small.
 */
const dashboard = layer('dashboard')

/** @type {Array<{ files: string[], ignores?: string[], group: string[], message: string }>} */
const boundaries = [
  {
    files: ['src/domain/**'],
    group: [...frameworks, ...nodeOnly, ...layers('protocol', 'db', 'sync', 'stores', 'composables', 'components', 'views', 'sw', 'i18n', 'dashboard')],
    message: 'domain is plain TypeScript: it imports nothing but itself.',
  },
  {
    files: ['src/protocol/**'],
    group: [...frameworks, ...nodeOnly, ...layers('db', 'sync', 'stores', 'composables', 'components', 'views', 'sw', 'i18n', 'dashboard')],
    message: 'protocol may import only domain and TypeBox.',
  },
  {
    files: ['src/db/**'],
    group: ['vue', 'vue-router', 'pinia', 'vue-i18n', ...nodeOnly, ...layers('protocol', 'sync', 'stores', 'composables', 'components', 'views', 'sw', 'i18n', 'dashboard')],
    message: 'db may import only domain and Dexie.',
  },
  {
    files: ['src/sync/**'],
    group: ['vue', 'vue-router', 'pinia', 'vue-i18n', ...nodeOnly, ...layers('stores', 'composables', 'components', 'views', 'sw', 'i18n', 'dashboard')],
    message: 'sync may import domain, db and protocol (types and constants) only.',
  },
  {
    files: ['src/stores/**'],
    group: [...nodeOnly, 'dexie', ...layers('composables', 'components', 'views', 'sw', 'dashboard')],
    message: 'stores may import domain, db, sync and i18n; screens read stores, not the other way.',
  },
  {
    files: ['src/composables/**'],
    group: [...nodeOnly, 'dexie', ...layers('sync', 'components', 'views', 'sw', 'dashboard')],
    message: 'composables may import stores, db (its query functions), domain and i18n; never sync or screens.',
  },
  {
    files: ['src/views/**', 'src/components/**', 'src/App.vue', 'src/router.ts', 'src/main.ts'],
    group: [...nodeOnly, 'dexie', ...layers('db', 'sync', 'sw', 'rescue'), ...dashboard],
    message: "field screens are thin: data comes through stores and composables, never IndexedDB or fetch; the dashboard only through the router's lazy import().",
  },
  {
    files: ['src/rescue/**'],
    group: ['vue', 'vue-router', 'pinia', 'vue-i18n', ...nodeOnly, ...layers('protocol', 'sync', 'stores', 'composables', 'components', 'views', 'sw', 'i18n', 'dashboard')],
    message: 'rescue files are made of domain and db data with fflate and Web Crypto, nothing else.',
  },
  {
    files: ['src/dashboard/**'],
    group: [...nodeOnly, 'dexie', ...layers('db', 'stores', 'sw', 'views'), '**/sync/*', '@/sync/*', '!**/sync/api', '!@/sync/api'],
    message: "the dashboard talks to the endpoint through its api.ts (over sync/api), never the phone's IndexedDB, sync or stores.",
  },
  {
    files: ['src/sw/**'],
    group: ['vue', 'vue-router', 'pinia', 'vue-i18n', ...nodeOnly, ...layers('db', 'stores', 'composables', 'components', 'views', 'i18n', 'dashboard')],
    message: 'the service worker may import workbox and sync only.',
  },
  {
    files: ['src/i18n/**'],
    group: [...nodeOnly, 'dexie', ...layers('domain', 'protocol', 'db', 'sync', 'stores', 'composables', 'components', 'views', 'sw', 'dashboard')],
    message: 'i18n holds messages and formats: it imports nothing of the app.',
  },
  {
    files: ['server/**'],
    group: [
      'vue',
      'vue-router',
      'pinia',
      'vue-i18n',
      'dexie',
      'workbox-*',
      '**/src/*',
      '!**/src/domain',
      '!**/src/protocol',
      '!**/src/rescue',
      '**/src/rescue/*',
      '!**/src/rescue/file',
    ],
    message: 'the endpoint may import src/domain, src/protocol and the rescue file format (src/rescue/file) only.',
  },
]

export default defineConfigWithVueTs(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-results/**', 'playwright-report/**'] },
  pluginVue.configs['flat/recommended'],
  vueTsConfigs.recommendedTypeChecked,
  // Layout is Prettier's (`npm run format`); lint keeps to what code means.
  prettier,
  {
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      'vue/multi-word-component-names': 'off',
    },
  },
  ...boundaries.map(({ files, group, message }) => ({
    files,
    rules: { 'no-restricted-imports': /** @type {['error', object]} */ (['error', { patterns: [{ group, message }] }]) },
  })),
  {
    // Every app layer may use the protocol's types and its plain constants, never its TypeBox schemas.
    files: ['src/**'],
    ignores: ['src/protocol/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)protocol(/(?!constants$).*)?$',
              allowTypeImports: true,
              message: 'the app takes only types from protocol (import type), and values only from protocol/constants.',
            },
          ],
        },
      ],
    },
  },
)
