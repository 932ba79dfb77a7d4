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
  lighthouse: async () => (await import('./lighthouse')).run(),
  'cold-start-offline': async () => (await import('./cold-start')).run(),
  photo: async () => (await import('./photo')).run(),
  'local-scale': async () => (await import('./local-scale')).run(),
  'sync-batch': async () => (await import('./sync-batch')).run(),
  'photo-resume': async () => (await import('./photo-resume')).run(),
  ingest: async () => (await import('./ingest')).run(),
  'mixed-day': async () => (await import('./mixed-day')).run(),
}

const RESULTS = 'bench/results.json'
const SETTLE_MS = 10_000

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
  const began = Date.now()
  const fresh: Results['figures'] = []
  const failed: string[] = []
  for (const [index, name] of names.entries()) {
    // Each benchmark starts on a machine at rest: the last one's browsers and endpoint may still be winding down.
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
    process.stdout.write(`${name}…\n`)
    const started = Date.now()
    try {
      const figures = await (benchmarks[name] as () => Promise<Figure[]>)()
      fresh.push(...figures.map((figure) => ({ ...figure, measuredAt })))
    } catch (error) {
      // One broken benchmark leaves the others' figures standing, and its own previous ones.
      failed.push(name)
      process.stderr.write(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    }
    process.stdout.write(`${name}: ${((Date.now() - started) / 1000).toFixed(0)} s\n`)
  }
  const ran = new Set(names.filter((name) => !failed.includes(name)))
  const kept = (previous?.figures ?? []).filter((figure) => !ran.has(figure.name.split('.')[0] ?? ''))
  const order = Object.keys(benchmarks)
  const figures = [...kept, ...fresh].sort((a, b) => order.indexOf(a.name.split('.')[0] ?? '') - order.indexOf(b.name.split('.')[0] ?? ''))
  fs.writeFileSync(RESULTS, `${JSON.stringify({ machine: machine(), measuredAt, figures }, null, 2)}\n`)

  const rows = fresh.map((figure) => [
    figure.name,
    `${figure.value.toLocaleString('en')} ${figure.unit}`,
    figure.budget ? `${budgetText(figure)} ${figure.unit}` : '—',
    figure.budget ? (withinBudget(figure) ? 'ok' : 'OVER') : '',
  ])
  const widths = [0, 1, 2, 3].map((column) => Math.max(...[['figure', 'value', 'budget', ''], ...rows].map((row) => row[column]?.length ?? 0)))
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')
  process.stdout.write(
    `\n${[line(['figure', 'value', 'budget', '']), ...rows.map(line)].join('\n')}\n\nWritten to ${RESULTS} after ${((Date.now() - began) / 1000).toFixed(0)} s; ${machine()}\n`,
  )
  if (failed.length) {
    process.stderr.write(`Failed: ${failed.join(', ')}\n`)
    process.exitCode = 1
  }
}

await main()
