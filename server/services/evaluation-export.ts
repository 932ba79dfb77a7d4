import type { Kysely } from 'kysely'
import type { Database } from '../db/schema'
import { evaluationMessages, exportMessages } from '../messages'
import { audit } from './audit'
import { evaluationOf } from './evaluation-view'
import { demoMark, demoUnitIds, number, text, xlsxOf, type Table } from './export'
import { toCommitment } from './reference'
import type { Manager } from './scope'

const { sheets, headings: h, stage, kind } = evaluationMessages

/**
 * `GET …/evaluation/scores.xlsx`: the year's score sheet as the caller may see it, in three
 * sheets: units ranked with their self and bloc scores per commitment, bonus, penalty, total,
 * band and votes; every line with its suggestion and notes; and the bonus and penalty items.
 */
export async function evaluationWorkbook(db: Kysely<Database>, manager: Manager, covenantId: string): Promise<{ bytes: Buffer; name: string }> {
  const evaluation = await evaluationOf(db, manager, covenantId)
  const commitments = (await db.selectFrom('commitment').selectAll().where('covenant_id', '=', covenantId).orderBy('position').execute())
    .map(toCommitment)
    .filter((item) => item.retiredAt === null)
  const demoUnits = await demoUnitIds(db)
  const scores: Table = {
    sheet: sheets.scores,
    columns: [
      number(h.rank, 8),
      text(h.unit, 28),
      ...commitments.flatMap((item) => [number(`${item.order}. ${h.self}`, 10), number(`${item.order}. ${h.bloc}`, 10)]),
      number(h.bonus, 10),
      number(h.penalty, 10),
      number(h.total, 10),
      text(h.band, 12),
      number(h.votes, 8),
      text(exportMessages.headings.demo, 12),
    ],
    rows: evaluation.units.map((unit) => [
      unit.rank,
      unit.unit.name,
      ...commitments.flatMap((item) => {
        const line = unit.lines.find((row) => row.commitmentId === item.id)
        return [line?.self?.points ?? null, line?.bloc ?? null]
      }),
      unit.bonus,
      unit.penalty,
      unit.total,
      unit.band,
      unit.votes,
      demoMark(demoUnits.has(unit.unit.id)),
    ]),
  }
  const lines: Table = {
    sheet: sheets.lines,
    columns: [
      text(h.unit, 28),
      number(h.order, 6),
      text(h.commitment, 50),
      number(h.maxPoints, 10),
      number(h.suggested, 10),
      number(h.self, 10),
      text(h.note, 40),
      number(h.bloc, 10),
      text(h.note, 40),
    ],
    rows: evaluation.units.flatMap((unit) =>
      commitments.map((item) => {
        const line = unit.lines.find((row) => row.commitmentId === item.id)
        return [
          unit.unit.name,
          item.order,
          item.title,
          item.maxPoints,
          line?.suggested ?? null,
          line?.self?.points ?? null,
          line?.self?.note ?? '',
          line?.bloc ?? null,
          line?.blocNote ?? '',
        ]
      }),
    ),
  }
  const items: Table = {
    sheet: sheets.items,
    columns: [text(h.unit, 28), text(h.stage, 12), text(h.kind, 14), text(h.title, 40), number(h.points, 8), text(h.reason, 50)],
    rows: evaluation.units.flatMap((unit) =>
      (['self', 'bloc'] as const).flatMap((which) =>
        (which === 'self' ? unit.selfItems : unit.blocItems).map((item) => [unit.unit.name, stage[which], kind[item.kind], item.title, item.points, item.reason]),
      ),
    ),
  }
  const bytes = await xlsxOf([scores, lines, items])
  const name = `giao-uoc-${evaluation.year}-bang-diem.xlsx`
  await db.transaction().execute((trx) => audit(trx, manager, 'export', null, { file: name, year: evaluation.year }))
  return { bytes, name }
}
