import fs from 'node:fs'
import os from 'node:os'
import { budgetText, withinBudget, type Figure } from './figure'

/**
 * `npm run bench [-- <name>…]`: run the benchmarks (all, or those named), write their figures
 * into `bench/results.json` (figures of benchmarks not run are kept), and print a table with
 * each figure's budget. Speed is measured here, never asserted in tests.
 */
const benchmarks: Record<string, () => Promise<Figure[]>> = {
  'field-js': async () => (await import('./field-js')).run(),
}

const RESULTS = 'bench/results.json'

interface Results {
  machine: string
  measuredAt: string
  figures: (Figure & { measuredAt: string })[]
}

function machine(): string {
  const cpus = os.cpus()
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2)
  const unknown = asked.filter((name) => !(name in benchmarks))
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`)
  const names = asked.length ? asked : Object.keys(benchmarks)

  const previous: Results | null = fs.existsSync(RESULTS) ? (JSON.parse(fs.readFileSync(RESULTS, 'utf8')) as Results) : null
  const measuredAt = new Date().toISOString()
  const fresh: Results['figures'] = []
  for (const name of names) {
    process.stdout.write(`${name}…\n`)
    const started = Date.now()
    const figures = await (benchmarks[name] as () => Promise<Figure[]>)()
    fresh.push(...figures.map((figure) => ({ ...figure, measuredAt })))
    process.stdout.write(`${name}: ${((Date.now() - started) / 1000).toFixed(0)} s\n`)
  }
  const ran = new Set(names)
  const kept = (previous?.figures ?? []).filter((figure) => !ran.has(figure.name.split('.')[0] ?? ''))
  const order = Object.keys(benchmarks)
  const figures = [...kept, ...fresh].sort((a, b) => order.indexOf(a.name.split('.')[0] ?? '') - order.indexOf(b.name.split('.')[0] ?? ''))
  fs.writeFileSync(RESULTS, `${JSON.stringify({ machine: machine(), measuredAt, figures }, null, 2)}\n`)

  const rows = fresh.map((figure) => [figure.name, `${figure.value.toLocaleString('en')} ${figure.unit}`, budgetText(figure), withinBudget(figure) ? 'ok' : 'OVER'])
  const widths = [0, 1, 2, 3].map((column) => Math.max(...[['figure', 'value', 'budget', ''], ...rows].map((row) => row[column]?.length ?? 0)))
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')
  process.stdout.write(`\n${[line(['figure', 'value', 'budget', '']), ...rows.map(line)].join('\n')}\n\nWritten to ${RESULTS}; ${machine()}\n`)
}

await main()
