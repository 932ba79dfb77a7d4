// `node tests/support/with-postgres.mjs <command…>`: run a command against a throw-away
// PostgreSQL cluster. Debian's `postgresql` package is installed where it is missing (as root, or
// with sudo and no password), a cluster is made in a temporary folder, started on a free port
// with no durability (it is thrown away), and removed after. The command gets
// TEST_DATABASE_URL, the cluster's `postgres` database as its superuser.
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs'
import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'

/** @param {string} text */
const say = (text) => process.stderr.write(`${text}\n`)
const isRoot = process.getuid?.() === 0
const canSudo = !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0

/** The newest installed server's binaries, such as /usr/lib/postgresql/15/bin. */
function binaries() {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return null
  const versions = readdirSync(root)
    .filter((name) => existsSync(path.join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] ? path.join(root, versions[0], 'bin') : null
}

function install() {
  if (!isRoot && !canSudo) return false
  say("PostgreSQL is not installed: installing Debian's postgresql package…")
  /** @param {string[]} args */
  const run = (args) => {
    const [program, ...rest] = isRoot ? args : ['sudo', '-n', ...args]
    return spawnSync(program ?? 'true', rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0
  }
  return run(['apt-get', 'update']) && run(['apt-get', 'install', '-y', '--no-install-recommends', 'postgresql'])
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

const command = process.argv.slice(2)
if (command.length === 0) {
  say('Usage: node tests/support/with-postgres.mjs <command> [arguments…]')
  process.exit(2)
}

const bin = binaries() ?? (install() ? binaries() : null)
if (!bin) {
  say(
    [
      'The PostgreSQL tests need a PostgreSQL server and none was found in /usr/lib/postgresql.',
      'Install it with:  sudo apt-get update && sudo apt-get install -y postgresql',
    ].join('\n'),
  )
  process.exit(1)
}

// initdb refuses to run as root: the cluster then belongs to the `postgres` user the package made.
const folder = mkdtempSync(path.join(os.tmpdir(), 'giao-uoc-pg-'))
if (isRoot) chownSync(folder, Number(spawnSync('id', ['-u', 'postgres']).stdout), Number(spawnSync('id', ['-g', 'postgres']).stdout))
/** @param {string} program @param {string[]} args */
const asOwner = (program, args) =>
  spawnSync(isRoot ? 'runuser' : path.join(bin, program), isRoot ? ['-u', 'postgres', '--', path.join(bin, program), ...args] : args, { stdio: ['ignore', 'ignore', 'inherit'] })
    .status === 0

const data = path.join(folder, 'data')
const port = await freePort()
const settings = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`
const stop = () => {
  asOwner('pg_ctl', ['-D', data, 'stop', '-m', 'immediate'])
  rmSync(folder, { recursive: true, force: true })
}

if (
  !asOwner('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']) ||
  !asOwner('pg_ctl', ['-D', data, '-o', settings, '-l', path.join(folder, 'log'), 'start', '-w'])
) {
  say(`Starting a PostgreSQL cluster in ${folder} failed; see the messages above.`)
  stop()
  process.exit(1)
}

const child = spawn(command[0] ?? 'true', command.slice(1), {
  stdio: 'inherit',
  env: { ...process.env, TEST_DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres` },
})
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => {
  stop()
  process.exit(code ?? (signal ? 1 : 0))
})
