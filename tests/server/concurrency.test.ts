import { describe, expect, it } from 'vitest'
import type { PullResponse, PushResult } from '../../src/protocol'
import { nextRevision } from '../../server/services/reference'
import { fieldOf, pushOne, reportOf } from './field'
import { buildTestApp, onPostgres, testDatabase } from './helper'
import type { App } from '../../server/app'

const pullFrom = async (app: App, headers: { authorization: string }, cursor: number) =>
  (await app.inject({ method: 'GET', url: `/api/pull?cursor=${cursor}`, headers })).json<PullResponse>()

/**
 * Writers side by side. On PostgreSQL transactions run at once and may commit in any order; on
 * SQLite they take turns, and the same checks hold.
 */

describe('the same report pushed twice at once', () => {
  it('is stored once, and both pushes are answered with its one receipt', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const report = reportOf(field)
    const results = await Promise.all([pushOne(app, field, report), pushOne(app, field, report)])
    const receipts = results.map((result: PushResult) => (result.outcome === 'rejected' ? result.code : result.receipt.number))
    expect(results.map((result) => result.outcome).sort()).toEqual(['accepted', 'duplicate'])
    expect(new Set(receipts).size).toBe(1)
    expect(await app.db.selectFrom('report').select('id').execute()).toEqual([{ id: report.id }])
  })

  it('many reports pushed at once each get a receipt of their own', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const results = await Promise.all(Array.from({ length: 20 }, () => pushOne(app, field, reportOf(field))))
    const receipts = results.map((result) => (result.outcome === 'accepted' ? result.receipt.number : result.outcome))
    expect(new Set(receipts).size).toBe(20)
    for (const receipt of receipts) expect(receipt).toMatch(/^\d{2}-\d{6}$/)
  })
})

// Only PostgreSQL lets a second writer commit while the first is still open.
describe.skipIf(!onPostgres)('a pull while two writers commit out of order', () => {
  it('misses neither: the cursor stays below the writer still open, and its change comes with the next pull', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const [first, second] = field.communes
    if (!first || !second) throw new Error('the cadre needs two communes')
    const pull = async (cursor: number) => (await app.inject({ method: 'GET', url: `/api/pull?cursor=${cursor}`, headers: field.headers })).json<PullResponse>()
    const start = (await app.inject({ method: 'GET', url: '/api/pull', headers: field.headers })).json<PullResponse>().cursor

    // Writer A takes its stamp and holds its transaction open.
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    let stamped: (rev: number) => void = () => {}
    const stampA = new Promise<number>((resolve) => (stamped = resolve))
    const writerA = app.db.transaction().execute(async (trx) => {
      const rev = await nextRevision(trx)
      await trx.updateTable('commune').set({ name: 'Xã A (đổi tên)', rev }).where('id', '=', first.id).execute()
      stamped(rev)
      await held
    })
    const revA = await stampA

    // Writer B begins after A, so its stamp is larger, and commits first.
    const revB = await app.db.transaction().execute(async (trx) => {
      const rev = await nextRevision(trx)
      await trx.updateTable('commune').set({ name: 'Xã B (đổi tên)', rev }).where('id', '=', second.id).execute()
      return rev
    })
    expect(revB).toBeGreaterThan(revA)

    const middle = await pull(start)
    expect(middle.communes.map((commune) => commune.name)).toEqual(['Xã B (đổi tên)'])
    // A cursor at B's stamp would skip A for good.
    expect(middle.cursor).toBeLessThan(revA)

    release()
    await writerA
    const after = await pull(middle.cursor)
    expect(after.communes.map((commune) => commune.name)).toContain('Xã A (đổi tên)')
    expect(after.cursor).toBeGreaterThanOrEqual(revB)
  })
})

describe.skipIf(!onPostgres)('a database restored into another cluster', () => {
  it('keeps stamps rising as the endpoint starts: phones keep their cursors, and the next change comes above them', async () => {
    const DATABASE_URL = await testDatabase()
    const before = await buildTestApp({ DATABASE_URL })
    const field = await fieldOf(before)
    const [commune] = field.communes
    if (!commune) throw new Error('the cadre has no commune')
    // A cluster whose transaction ids are far behind the stamps the restored rows carry.
    const ahead = (await pullFrom(before, field.headers, 0)).cursor + 1_000_000_000
    await before.db.updateTable('commune').set({ rev: ahead }).where('id', '=', commune.id).execute()
    await before.db.updateTable('revision').set({ value: 0 }).execute()
    await before.close()

    const after = await buildTestApp({ DATABASE_URL })
    const quiet = await pullFrom(after, field.headers, ahead)
    expect(quiet.full).toBe(false)
    expect(quiet.cursor).toBeGreaterThanOrEqual(ahead)
    const rev = await after.db.transaction().execute(async (trx) => {
      const stamp = await nextRevision(trx)
      await trx.updateTable('commune').set({ name: 'Xã sau khi khôi phục', rev: stamp }).where('id', '=', commune.id).execute()
      return stamp
    })
    expect(rev).toBeGreaterThan(ahead)
    expect((await pullFrom(after, field.headers, ahead)).communes.map((row) => row.name)).toEqual(['Xã sau khi khôi phục'])
  })
})
