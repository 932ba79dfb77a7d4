import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn, type ChildProcess } from 'node:child_process'

/** An endpoint process of its own, for tests that must restart it or change what it serves. */
export interface Endpoint {
  url: string
  /** The endpoint's process. */
  pid: number
  /** Everything it printed so far. */
  output: () => string
  /** SIGTERM, then the exit code once it has stopped. */
  stop: () => Promise<number | null>
  /** SIGKILL: the process dies at once, mid-request, as in a power cut. */
  kill: () => Promise<number | null>
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

/**
 * Start `server/<script>` on `port` and wait until it prints the address to open. The demo bloc
 * comes without this year's visits (tests count the reports they make) unless `env` asks for them.
 */
export async function startEndpoint(script: string, port: number, env: NodeJS.ProcessEnv): Promise<Endpoint> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', `server/${script}`], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SEED_DEMO_THIS_YEAR: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  const url = `http://localhost:${port}`
  const started = Date.now()
  while (!output.includes(`open ${url}`)) {
    if (child.exitCode !== null) throw new Error(`server/${script} exited early:\n${output}`)
    if (Date.now() - started > 120_000) throw new Error(`server/${script} did not start:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }

  return {
    url,
    pid: child.pid ?? 0,
    output: () => output,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      return exited
    },
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL')
      return exited
    },
  }
}

/** What `npm start` prints for a first start on the demo: the admin's password and the demo cadre's enrollment link; an error, with the output, when either is missing. */
export function demoAccess(endpoint: Endpoint): { adminPassword: string; enrollLink: string } {
  const output = endpoint.output()
  const adminPassword = /Username: admin {2}Password: (\S+)/.exec(output)?.[1]
  const enrollLink = /(http:\/\/localhost:\d+\/enroll#code=[0-9A-Z-]+)/.exec(output)?.[1]
  if (!adminPassword || !enrollLink) throw new Error(`no admin password or enrollment link in the output:\n${output}`)
  return { adminPassword, enrollLink }
}
