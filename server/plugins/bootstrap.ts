import fs from 'node:fs'
import fp from 'fastify-plugin'
import { exclusively } from '../db/database'
import type { PhotoStore } from '../services/photo-store'
import { createEnrollmentCode } from '../services/enrollment'
import { demoCadre, ensureAdmin, loadDemoData, type DemoData } from '../services/bootstrap'
import { loadDemoThisYear, loadDemoYear } from '../services/demo-year'

export interface FirstStart {
  /** The admin's login, when the admin was created at this start. */
  admin: { username: string; password: string | null } | null
  /** A fresh enrollment link for the demo cadre, when the demo data is there. */
  demoEnrollment: { name: string; code: string; link: string; expiresAt: string } | null
}

declare module 'fastify' {
  interface FastifyInstance {
    firstStart: FirstStart
  }
}

export interface BootstrapOptions {
  seedDemo: boolean
  /** With the demo bloc, last year's covenant and a year of its reports, being evaluated. */
  seedLastYear: boolean
  /** With the demo bloc, this year's visits so far, with photos drawn for them into the store. */
  seedThisYear: boolean
  photos: PhotoStore
  adminPassword: string | undefined
  publicUrl: string
}

const demoFile = new URL('../demo/demo-data.json', import.meta.url)

/** Demo data into an empty database (unless turned off), the bloc admin, and a demo enrollment link. */
export default fp<BootstrapOptions>(
  async (app, { seedDemo, seedLastYear, seedThisYear, photos, adminPassword, publicUrl }) => {
    let demoCadreRow: { id: string; name: string } | undefined
    // Processes starting together on a new PostgreSQL database: one seeds, the others then find it done.
    const admin = await exclusively(app.db, 'giao-uoc:first-start', async () => {
      let firstBlocId: string | undefined
      if (seedDemo) {
        const data = JSON.parse(fs.readFileSync(demoFile, 'utf8')) as DemoData
        const blocId = await loadDemoData(app.db, data)
        if (blocId) {
          firstBlocId = blocId
          if (seedLastYear) await loadDemoYear(app.db, blocId)
          if (seedThisYear) await loadDemoThisYear(app.db, blocId, photos)
          app.log.info({ lastYear: seedLastYear, thisYear: seedThisYear }, 'demo data loaded into the new database')
        }
        demoCadreRow = await demoCadre(app.db, data)
      }
      return ensureAdmin(app.db, adminPassword, firstBlocId)
    })
    let demoEnrollment: FirstStart['demoEnrollment'] = null
    if (demoCadreRow) {
      const created = await createEnrollmentCode(app.db, 'endpoint', demoCadreRow.id, { publicUrl })
      demoEnrollment = { name: demoCadreRow.name, code: created.code, link: created.link, expiresAt: created.expiresAt }
    }
    app.decorate('firstStart', {
      admin: admin && { username: admin.username, password: admin.generatedPassword },
      demoEnrollment,
    })
  },
  { name: 'bootstrap', dependencies: ['database'] },
)
