import type { Kysely } from 'kysely'
import type { HeldFigure } from '../../src/domain'
import type { Database } from '../db/schema'

/** What one member's reports bring to the covenant in a commune, on a commitment. */
interface AuthorFigure {
  authorId: string
  communeId: string
  commitmentId: string
  reports: number
  /** Of the amounts given, their sum and the highest; null when none was. */
  total: number | null
  highest: number | null
  done: boolean
}

/** A unit's reports on a covenant, summed by member, commune and commitment, with the communes' last visits. */
interface UnitTally {
  at: number
  figures: AuthorFigure[]
  lastVisits: { communeId: string; date: string }[]
  percent: Set<string>
}

/**
 * The units' figures as phones pull them, kept in this process for `maxAgeMs`. Every push of a
 * unit's members changes them, and phones pull far more often than a figure needs to move:
 * reading the unit's year on each pull would cost the endpoint most of its time once the year is
 * large. A pull after `maxAgeMs` is answered with the figures kept while they are read again, a
 * page of reports at a time, so no pull waits for a year to be read but the unit's first; a read
 * that fails leaves the kept figures in use, and the next pull tries again. A phone counts its
 * own reports itself; it sees another member's in the unit's figure about `maxAgeMs` after they
 * arrived. With 0, every pull reads them afresh and waits.
 */
export class UnitTallies {
  private readonly kept = new Map<string, UnitTally>()
  private readonly reading = new Map<string, Promise<UnitTally>>()

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxAgeMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** What the unit's other members' reports bring, by commune and commitment, and the unit's last visit to each commune. */
  async figuresFor(unitId: string, covenantId: string, memberId: string): Promise<{ held: HeldFigure[]; lastVisits: UnitTally['lastVisits'] }> {
    const tally = await this.of(unitId, covenantId)
    return { held: heldBy(tally, memberId), lastVisits: tally.lastVisits }
  }

  private of(unitId: string, covenantId: string): Promise<UnitTally> {
    const key = `${unitId} ${covenantId}`
    const kept = this.kept.get(key)
    if (kept && this.clock() - kept.at < this.maxAgeMs) return Promise.resolve(kept)
    let reading = this.reading.get(key)
    if (!reading) {
      reading = this.read(unitId, covenantId)
        .then((tally) => {
          if (this.maxAgeMs > 0) this.kept.set(key, tally)
          return tally
        })
        .finally(() => this.reading.delete(key))
      this.reading.set(key, reading)
    }
    if (!kept) return reading
    reading.catch(() => undefined)
    return Promise.resolve(kept)
  }

  /** The unit's reports on the covenant, summed in the database a page of reports at a time. */
  private async read(unitId: string, covenantId: string): Promise<UnitTally> {
    const at = this.clock()
    const percent = new Set(
      (await this.db.selectFrom('commitment').select('id').where('covenant_id', '=', covenantId).where('measure', '=', 'percent').execute()).map((row) => row.id),
    )
    const figures = new Map<string, AuthorFigure>()
    const lastVisits = new Map<string, string>()
    const ofUnit = this.db.selectFrom('report').where('report.unit_id', '=', unitId).where('report.covenant_id', '=', covenantId)
    for (let after = ''; ;) {
      const page = await ofUnit.select('report.id').where('report.id', '>', after).orderBy('report.id').limit(PAGE).execute()
      const last = page.at(-1)?.id
      if (last === undefined) break
      const inPage = ofUnit.where('report.id', '>', after).where('report.id', '<=', last)
      const rows = await inPage
        .innerJoin('report_entry', 'report_entry.report_id', 'report.id')
        .select((eb) => [
          'report.author_id',
          'report.commune_id',
          'report_entry.commitment_id',
          eb.fn.countAll<number>().as('reports'),
          eb.fn.sum<number | null>('report_entry.amount').as('total'),
          eb.fn.max<number | null>('report_entry.amount').as('highest'),
          eb.fn.max<number>(eb.case().when('report_entry.status', '=', 'done').then(1).else(0).end()).as('done'),
        ])
        .where('report_entry.status', '!=', 'not_started')
        .groupBy(['report.author_id', 'report.commune_id', 'report_entry.commitment_id'])
        .execute()
      for (const row of rows) {
        const key = `${row.author_id} ${row.commune_id} ${row.commitment_id}`
        figures.set(
          key,
          summed(figures.get(key), {
            authorId: row.author_id,
            communeId: row.commune_id,
            commitmentId: row.commitment_id,
            reports: Number(row.reports),
            total: row.total === null ? null : Number(row.total),
            highest: row.highest === null ? null : Number(row.highest),
            done: Number(row.done) === 1,
          }),
        )
      }
      const visits = await inPage
        .select((eb) => ['report.commune_id', eb.fn.max<string>('report.visit_date').as('date')])
        .groupBy('report.commune_id')
        .execute()
      for (const { commune_id: communeId, date } of visits) if (date > (lastVisits.get(communeId) ?? '')) lastVisits.set(communeId, date)
      if (page.length < PAGE) break
      after = last
      // The event loop answers pushes and pulls between pages.
      await new Promise((resolve) => setImmediate(resolve))
    }
    return { at, figures: [...figures.values()], lastVisits: [...lastVisits].map(([communeId, date]) => ({ communeId, date })), percent }
  }
}

/** Reports summed per query: a page takes the event loop a few milliseconds. */
const PAGE = 500

// As SQL's sum and max: a null is left out, and only nulls make a null.
const plus = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : a + b)
const most = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b))

/** `row` added to `sum` (none yet: `row` itself); the names are the row's. */
function summed(sum: AuthorFigure | undefined, row: AuthorFigure): AuthorFigure {
  if (!sum) return row
  return { ...row, reports: sum.reports + row.reports, total: plus(sum.total, row.total), highest: most(sum.highest, row.highest), done: sum.done || row.done }
}

/** The unit's figures without the member's own reports, which the member's phone adds itself. */
function heldBy(tally: UnitTally, memberId: string): HeldFigure[] {
  const sums = new Map<string, AuthorFigure>()
  for (const row of tally.figures) {
    if (row.authorId === memberId) continue
    const key = `${row.communeId} ${row.commitmentId}`
    sums.set(key, summed(sums.get(key), row))
  }
  return [...sums.values()].map((sum) => ({
    communeId: sum.communeId,
    commitmentId: sum.commitmentId,
    reports: sum.reports,
    amount: tally.percent.has(sum.commitmentId) ? sum.highest : sum.total,
    done: sum.done,
  }))
}
