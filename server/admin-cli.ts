import path from 'node:path'
import { openDatabase } from './db/database'
import { resetPassword } from './services/members'
import { addProvinceOfficer } from './services/province'

/**
 * `npm run admin -- reset-password [username]`: a new password for the admin (or the manager
 * named); `npm run admin -- add-province <username> [name]`: an account of the province's
 * emulation office. The password is printed once. Works on the database of DATABASE_URL, or
 * else of the data folder in DATA_DIR (./data by default); runs beside the endpoint.
 */
const [command, username, ...name] = process.argv.slice(2)
const usage = `Usage: npm run admin -- reset-password [username]
       npm run admin -- add-province <username> [name]
DATABASE_URL names a PostgreSQL database; else DATA_DIR the data folder, ./data by default.
`

async function main(): Promise<void> {
  if (command !== 'reset-password' && !(command === 'add-province' && username)) {
    process.stderr.write(usage)
    process.exit(2)
  }
  const db = openDatabase({ url: process.env.DATABASE_URL, file: path.join(path.resolve(process.env.DATA_DIR ?? './data'), 'giao-uoc.sqlite'), poolSize: 1 })
  try {
    if (command === 'add-province' && username) {
      const created = await addProvinceOfficer(db, username, name.join(' ') || undefined)
      process.stdout.write(`Province account created. Username: ${created.username}  Password: ${created.password}\nIt is shown only once: keep it now.\n`)
      return
    }
    const { name: who, password } = await resetPassword(db, username)
    process.stdout.write(`New password for ${who}: ${password}\nIt is shown only once: keep it now. Their sessions have ended.\n`)
  } finally {
    await db.destroy()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
