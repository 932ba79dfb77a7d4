import { execFileSync } from 'node:child_process'
import type { Figure } from './figure'

/** Gzipped JavaScript the first field screen loads, by the shared measuring tool, from `dist/`. */
export function run(): Promise<Figure[]> {
  let output: string
  try {
    output = execFileSync(process.execPath, ['../shared/tools/field-js.mjs', 'dist', '100'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  } catch (error) {
    // Over budget, the tool exits 1 and still prints the figure.
    output = String((error as { stdout?: string }).stdout ?? '')
  }
  const kb = /field-path JS: ([\d.]+) KB gz in (\d+) files/.exec(output)
  if (!kb) throw new Error(`field-js printed no figure:\n${output}`)
  return Promise.resolve([
    {
      name: 'field-js',
      value: Number(kb[1]),
      unit: 'KB gz',
      budget: { max: 100 },
      conditions: `dist/ as built; index.html's entry script and module preloads with their static imports, gzip level 9 (${kb[2]} files)`,
    },
  ])
}
