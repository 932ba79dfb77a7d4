import path from 'node:path'
import { openDatabase } from './db/database'
import { resetPassword } from './services/members'

/**
 * `npm run admin -- reset-password [username]`: a new password for the admin (or the manager
 * named), printed once, in the database of DATABASE_URL, or else of the data folder in DATA_DIR
 * (./data by default). Runs beside the endpoint.
 */
const [command, username] = process.argv.slice(2)

async function main(): Promise<void> {
  if (command !== 'reset-password') {
    process.stderr.write('Usage: npm run admin -- reset-password [username]   (DATABASE_URL names a PostgreSQL database; else DATA_DIR the data folder, ./data by default)\n')
    process.exit(2)
  }
  const db = openDatabase({ url: process.env.DATABASE_URL, file: path.join(path.resolve(process.env.DATA_DIR ?? './data'), 'giao-uoc.sqlite'), poolSize: 1 })
  try {
    const { name, password } = await resetPassword(db, username)
    process.stdout.write(`New password for ${name}: ${password}\nIt is shown only once: keep it now. Their sessions have ended.\n`)
  } finally {
    await db.destroy()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
