import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Figure } from './figure'

const DIST = 'dist'

/**
 * Gzipped JavaScript the first field screen loads: `index.html`'s scripts (the saved first
 * screen's painter among them) and module preloads in `dist/`, and every chunk they import
 * statically.
 */
export function run(): Promise<Figure[]> {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8')
  const roots = [...html.matchAll(/<script[^>]*src="([^"]+)"/g), ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)]
  const sizes = new Map<string, number>()
  const visit = (file: string): void => {
    if (sizes.has(file) || !fs.existsSync(file)) return
    const code = fs.readFileSync(file)
    sizes.set(file, gzipSync(code, { level: 9 }).length)
    for (const [, imported] of code.toString('utf8').matchAll(/(?:\bimport\s*|\bfrom\s*)["'](\.{1,2}\/[^"']+\.js)["']/g)) visit(path.join(path.dirname(file), imported ?? ''))
  }
  for (const [, src] of roots) visit(path.join(DIST, (src ?? '').replace(/^\//, '')))
  if (!sizes.size) throw new Error(`no entry script in ${DIST}/index.html: build first`)
  const kb = [...sizes.values()].reduce((sum, bytes) => sum + bytes, 0) / 1024
  const chunks = [...sizes].sort((a, b) => b[1] - a[1]).map(([file, bytes]) => `${path.basename(file)} ${(bytes / 1024).toFixed(1)} KB`)
  process.stdout.write(`field path, gzipped: ${chunks.join(', ')}\n`)
  return Promise.resolve([
    {
      name: 'field-js',
      value: Number(kb.toFixed(1)),
      unit: 'KB gz',
      budget: { max: 80 },
      conditions: `dist/ as built; index.html's scripts and module preloads with their static imports, gzip level 9, ${sizes.size} files: ${chunks.join(', ')}`,
    },
  ])
}
