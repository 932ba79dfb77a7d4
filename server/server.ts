import { pathToFileURL } from 'node:url'
import { buildApp } from './app'
import fs from 'node:fs'
import { ConfigError, loadConfig, localName, type Config } from './config'
import type { FirstStart } from './plugins/bootstrap'

/** Start the endpoint and stop it cleanly on SIGINT/SIGTERM; answers once it listens. */
export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config
  try {
    config = readConfig(env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  }

  // Everything the endpoint writes (the database, photos, uploads, thumbnails) is its own user's alone.
  process.umask(0o077)
  const app = await buildApp(config)
  keepPrivate(config)
  let closing = false
  const stop = (signal: NodeJS.Signals): void => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)

  await app.listen({ port: config.PORT, host: config.HOST })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.PORT
  process.stdout.write(banner(`http://${localName(config.HOST)}:${port}`, app.firstStart))
}

/**
 * The settings, read once: the admin's first password then leaves the environment, so that no
 * child process, crash report or diagnostic dump carries it.
 */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  const config = loadConfig(env)
  delete env.ADMIN_PASSWORD
  return config
}

/** The data folder and database of an earlier install, written before the endpoint kept them private, become so. */
function keepPrivate(config: Config): void {
  fs.chmodSync(config.dataDir, 0o700)
  for (const file of [config.databaseFile, `${config.databaseFile}-wal`, `${config.databaseFile}-shm`]) if (fs.existsSync(file)) fs.chmodSync(file, 0o600)
}

/** A moment as the bloc reads it: `17:30 04/12/2026 (Vietnam time)`, wherever the endpoint runs. */
export function vietnamTime(iso: string): string {
  const parts = new Intl.DateTimeFormat('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    hour: '2-digit',
    minute: '2-digit',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hourCycle: 'h23',
  })
    .formatToParts(new Date(iso))
    .reduce<Record<string, string>>((found, part) => ({ ...found, [part.type]: part.value }), {})
  return `${parts.hour}:${parts.minute} ${parts.day}/${parts.month}/${parts.year} (Vietnam time)`
}

/** What someone who just ran `npm start` needs: where to open the app, and how to get in. */
export function banner(address: string, { admin, demoEnrollment }: FirstStart): string {
  const lines = ['', `Giao Ước is running: open ${address}`]
  if (admin?.password) {
    lines.push('', `Bloc admin created. Username: ${admin.username}  Password: ${admin.password}`, 'This password is shown only once: keep it now.')
  }
  if (demoEnrollment) {
    lines.push(
      '',
      `Enroll a phone as the demo cadre ${demoEnrollment.name} (code ${demoEnrollment.code}, one use, valid until ${vietnamTime(demoEnrollment.expiresAt)}):`,
      `  ${demoEnrollment.link}`,
    )
  }
  return `${lines.join('\n')}\n\n`
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await startServer()
}
