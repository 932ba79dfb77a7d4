import fs from 'node:fs'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startServer } from './server'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'package-lock.json']

/** Newest modification time under a file or folder, in ms. */
export function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0
  const stat = fs.statSync(target)
  if (!stat.isDirectory()) return stat.mtimeMs
  return fs
    .readdirSync(target)
    .reduce((newest, entry) => Math.max(newest, newestMtime(path.join(target, entry))), stat.mtimeMs)
}

/** The built app is missing, or older than anything it is built from. */
export function appIsStale(appDir: string, projectRoot: string): boolean {
  const built = path.join(appDir, 'index.html')
  if (!fs.existsSync(built)) return true
  const builtAt = fs.statSync(built).mtimeMs
  return sources.some((source) => newestMtime(path.join(projectRoot, source)) > builtAt)
}

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
