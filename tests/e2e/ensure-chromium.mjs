// End-to-end tests run in the machine's Chromium, never a downloaded one. Find it, or install
// Debian's `chromium` package where we may (root, or sudo without a password), or say how.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const wanted = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** @param {string} text */
const say = (text) => process.stderr.write(`${text}\n`)

if (existsSync(wanted)) process.exit(0)
if (process.env.CHROMIUM_PATH) {
  say(`CHROMIUM_PATH is set to ${wanted}, but there is no file there.`)
  process.exit(1)
}

const isRoot = process.getuid?.() === 0
const canSudo = !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0

if (isRoot || canSudo) {
  say("Chromium is not installed: installing Debian's chromium package…")
  /** @param {string[]} args */
  const run = (args) => {
    const [program, ...rest] = isRoot ? args : ['sudo', '-n', ...args]
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    return spawnSync(program ?? 'true', rest, { stdio: 'inherit', env }).status === 0
  }
  if (run(['apt-get', 'update']) && run(['apt-get', 'install', '-y', 'chromium']) && existsSync(wanted)) process.exit(0)
  say('Installing chromium failed; see the messages above.')
}

say(
  [
    'End-to-end tests need Chromium and none was found at /usr/bin/chromium.',
    'Install it with:  sudo apt-get update && sudo apt-get install -y chromium',
    'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
  ].join('\n'),
)
process.exit(1)
