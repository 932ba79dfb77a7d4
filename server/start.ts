import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { appIsStale } from './start-check'
import { startServer } from './server'

// `npm start`: build the app when it is missing or older than its sources, then serve it.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

function buildApp(): void {
  process.stdout.write('Building the app (vite build)…\n')
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js')
  const result = spawnSync(process.execPath, [vite, 'build'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    process.stderr.write('The app did not build; see the messages above.\n')
    process.exit(result.status ?? 1)
  }
}

const appDir = path.resolve(root, process.env.APP_DIR || 'dist')
if (appDir === path.join(root, 'dist') && appIsStale(appDir, root)) buildApp()
await startServer()
