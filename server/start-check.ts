import fs from 'node:fs'
import path from 'node:path'

/** What the built app is made from: a change to any of them calls for a new build. */
const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'package-lock.json']

/** Newest modification time under a file or folder, in ms; 0 when it does not exist. */
export function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0
  const stat = fs.statSync(target)
  if (!stat.isDirectory()) return stat.mtimeMs
  return fs.readdirSync(target).reduce((newest, entry) => Math.max(newest, newestMtime(path.join(target, entry))), stat.mtimeMs)
}

/** The built app is missing, or older than anything it is built from. */
export function appIsStale(appDir: string, projectRoot: string): boolean {
  const built = path.join(appDir, 'index.html')
  if (!fs.existsSync(built)) return true
  const builtAt = fs.statSync(built).mtimeMs
  return sources.some((source) => newestMtime(path.join(projectRoot, source)) > builtAt)
}
