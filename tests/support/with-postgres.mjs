// `node tests/support/with-postgres.mjs <command…>`: run a command against a throw-away
// PostgreSQL cluster (tests/support/postgres.mjs: no durability, removed after). The command
// gets TEST_DATABASE_URL, the cluster's `postgres` database as its superuser.
import { spawn } from 'node:child_process'
import { startPostgres } from './postgres.mjs'

const command = process.argv.slice(2)
if (command.length === 0) {
  process.stderr.write('Usage: node tests/support/with-postgres.mjs <command> [arguments…]\n')
  process.exit(2)
}

const cluster = await startPostgres().catch((/** @type {Error} */ error) => {
  process.stderr.write(`${error.message}\n`)
  process.exit(1)
})
const child = spawn(command[0] ?? 'true', command.slice(1), { stdio: 'inherit', env: { ...process.env, TEST_DATABASE_URL: cluster.url } })
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => child.kill(signal))
child.on('error', (/** @type {Error} */ error) => {
  process.stderr.write(`${command[0]}: ${error.message}\n`)
  cluster.stop()
  process.exit(1)
})
child.on('exit', (code, signal) => {
  cluster.stop()
  process.exit(code ?? (signal ? 1 : 0))
})
