import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { appIsStale } from './start-check'
import { startServer } from './server'

// `npm start`: build the app when it is missing or older than its sources, then serve it.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Build quietly: warnings and errors only, and no colour codes where the output is not a terminal (a log file, a service). */
function buildApp(): void {
  process.stdout.write('Building the app…')
  const started = Date.now()
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js')
  const env = process.stdout.isTTY ? process.env : { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env })
  if (result.status !== 0) {
    process.stderr.write('\nThe app did not build; see the messages above.\n')
    process.exit(result.status ?? 1)
  }
  process.stdout.write(` done in ${Math.round((Date.now() - started) / 1000)} s.\n`)
}

const appDir = path.resolve(root, process.env.APP_DIR || 'dist')
if (appDir === path.join(root, 'dist') && appIsStale(appDir, root)) buildApp()
await startServer()
