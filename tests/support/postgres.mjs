// A throw-away PostgreSQL cluster for tests and benchmarks, from Debian's `postgresql` package
// (installed where it is missing, as root or with sudo and no password): made in a temporary
// folder by `initdb`, started on a free port, removed by `stop`.
import { randomBytes } from 'node:crypto'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'

const isRoot = process.getuid?.() === 0

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
  const canSudo = !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0
  if (!isRoot && !canSudo) return false
  process.stderr.write("PostgreSQL is not installed: installing Debian's postgresql package…\n")
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

/**
 * Start a cluster. `durable`: commits reach the disk before they are answered, as on a real
 * server (for benchmarks); otherwise no fsync at all (for tests, which throw it away).
 * @param {{ durable?: boolean }} [options]
 * @returns {Promise<{ url: string, version: string, stop: () => void }>} `url`: the `postgres` database, as its superuser; `version`: the server's major version
 */
export async function startPostgres({ durable = false } = {}) {
  const bin = binaries() ?? (install() ? binaries() : null)
  if (!bin) {
    throw new Error('A PostgreSQL server is needed and none was found in /usr/lib/postgresql.\nInstall it with:  sudo apt-get update && sudo apt-get install -y postgresql')
  }
  // initdb refuses to run as root: the cluster then belongs to the `postgres` user the package made.
  const folder = mkdtempSync(path.join(os.tmpdir(), 'giao-uoc-pg-'))
  // A password of its own, even on the loopback address: another user of the machine cannot walk in as superuser.
  const password = randomBytes(18).toString('base64url')
  const passwordFile = path.join(folder, 'password')
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 })
  if (isRoot) {
    const [uid, gid] = [Number(spawnSync('id', ['-u', 'postgres']).stdout), Number(spawnSync('id', ['-g', 'postgres']).stdout)]
    chownSync(folder, uid, gid)
    chownSync(passwordFile, uid, gid)
  }
  /** @param {string} program @param {string[]} args */
  const asOwner = (program, args) =>
    spawnSync(isRoot ? 'runuser' : path.join(bin, program), isRoot ? ['-u', 'postgres', '--', path.join(bin, program), ...args] : args, { stdio: ['ignore', 'ignore', 'inherit'] })
      .status === 0
  const data = path.join(folder, 'data')
  const port = await freePort()
  const speed = durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off'
  const settings = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c max_connections=300${speed}`
  const stop = () => {
    asOwner('pg_ctl', ['-D', data, 'stop', '-m', 'immediate'])
    rmSync(folder, { recursive: true, force: true })
  }
  if (
    !asOwner('initdb', ['-D', data, '-A', 'scram-sha-256', `--pwfile=${passwordFile}`, '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']) ||
    !asOwner('pg_ctl', ['-D', data, '-o', settings, '-l', path.join(folder, 'log'), 'start', '-w'])
  ) {
    stop()
    throw new Error(`Starting a PostgreSQL cluster in ${folder} failed; see the messages above.`)
  }
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, version: path.basename(path.dirname(bin)), stop }
}
