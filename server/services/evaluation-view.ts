import type { Kysely, Selectable } from 'kysely'
import {
  byVietnamese,
  crossScore,
  DEFAULT_EVALUATION_RULES,
  groupBy,
  progressOf,
  rank,
  scaleOf,
  suggestedScore,
  totalOf,
  voteCarries,
  type Commitment,
  type EvaluationRules,
  type RankInput,
  type Reached,
} from '../../src/domain'
import type { EvaluationResponse, Proposal, ScoreItem, ScoreLine, UnitEvaluation } from '../../src/protocol'
import type { CovenantTable, Database, Db, ProposalTable, ScoreItemTable, ScoreTable } from '../db/schema'
import { notFound } from './errors'
import { countedReports } from './progress'
import { toCommitment, unitsOf } from './reference'
import type { Manager } from './scope'

/**
 * The year's evaluation as a viewer may see it: the rules, each unit's sheet beside the
 * suggestions from the reports held, totals, bands, the ranking, votes and proposals. The
 * changes are `evaluation.ts`'s.
 */

/** The province's office reading one bloc's evaluation: what the bloc has published, no more. */
export interface ProvinceViewer {
  role: 'province'
  blocId: string
  unitId: null
}

/** The covenant of the manager's bloc, or 404. */
export async function covenantOf(db: Db, manager: Manager | ProvinceViewer, covenantId: string): Promise<Selectable<CovenantTable>> {
  const row = await db.selectFrom('covenant').selectAll().where('id', '=', covenantId).where('bloc_id', '=', manager.blocId).executeTakeFirst()
  if (!row || row.status === 'draft') throw notFound('covenant being evaluated')
  return row
}

export async function rulesOf(db: Db, covenantId: string): Promise<{ rules: EvaluationRules; publishedAt: string | null }> {
  const row = await db.selectFrom('evaluation').select(['rules', 'published_at']).where('covenant_id', '=', covenantId).executeTakeFirst()
  return { rules: row ? (JSON.parse(row.rules) as EvaluationRules) : DEFAULT_EVALUATION_RULES, publishedAt: row?.published_at ?? null }
}

const toProposal = (row: ProposalTable): Proposal => ({
  id: row.id,
  award: row.award,
  unitId: row.unit_id,
  nominee: row.nominee,
  achievements: row.achievements,
  evidence: JSON.parse(row.evidence) as Proposal['evidence'],
  status: row.status,
  exemplarId: row.exemplar_id,
  updatedAt: row.updated_at,
})

/** What each unit reached on each commitment, in total and commune by commune, from the reports the endpoint holds. */
async function reachedOf(
  db: Db,
  covenant: Selectable<CovenantTable>,
  commitments: Commitment[],
): Promise<{ reached: Map<string, Map<string, Reached>>; communes: Map<string, string[]> }> {
  const reports = await countedReports(db, covenant.id, {})
  const assigned = await db
    .selectFrom('assignment')
    .select(['unit_id', 'commune_id'])
    .where('year', '=', covenant.year)
    .where('unit_id', 'in', unitsOf(db, covenant.bloc_id))
    .execute()
  const communes = new Map([...groupBy(assigned, (row) => row.unit_id)].map(([unitId, rows]) => [unitId, rows.map((row) => row.commune_id)]))
  const reached = new Map<string, Map<string, Reached>>()
  for (const unitId of new Set([...reports.map((row) => row.unitId), ...communes.keys()])) {
    const own = reports.filter((row) => row.unitId === unitId).map((row) => row.report)
    const whole = progressOf(commitments, own)
    const byCommune = (communes.get(unitId) ?? []).map((communeId) => [communeId, progressOf(commitments, own, { communeId })] as const)
    reached.set(
      unitId,
      new Map(
        commitments.map((item) => {
          const amount = (progress: ReturnType<typeof progressOf>) =>
            item.measure === 'done' ? (progress.get(item.id)?.doneAccepted ? 1 : 0) : (progress.get(item.id)?.accepted ?? 0)
          return [item.id, { total: amount(whole), byCommune: new Map(byCommune.map(([communeId, progress]) => [communeId, amount(progress)])) }]
        }),
      ),
    )
  }
  return { reached, communes }
}

/** The units that scored a unit in cross-scoring (its own never does). */
const byScorerOf = (scores: Selectable<ScoreTable>[]) => [...new Set(scores.filter((row) => row.stage === 'bloc' && row.scorer_unit_id !== '').map((row) => row.scorer_unit_id))]

const parseItem = (row: Selectable<ScoreItemTable>): ScoreItem => ({
  kind: row.kind,
  title: row.title,
  points: row.points,
  reason: row.reason,
  evidence: JSON.parse(row.evidence) as ScoreItem['evidence'],
})

/**
 * `GET /api/covenants/:covenantId/evaluation`: the year's rules, and each unit's sheet (the
 * suggestion from reports beside every score), totals within the caps, band and place. The
 * admin sees every unit; a lead their own until the results are published (and, in
 * cross-scoring, the units they score); once published, everyone sees the ranking, and the
 * province's office too.
 */
export async function evaluationOf(db: Kysely<Database>, viewer: Manager | ProvinceViewer, covenantId: string): Promise<EvaluationResponse> {
  const covenant = await covenantOf(db, viewer, covenantId)
  const { rules, publishedAt } = await rulesOf(db, covenantId)
  const commitments = (await db.selectFrom('commitment').selectAll().where('covenant_id', '=', covenantId).orderBy('position').execute()).map(toCommitment)
  const units = (await db.selectFrom('unit').select(['id', 'name', 'short_name']).where('bloc_id', '=', covenant.bloc_id).execute()).sort(byVietnamese((row) => row.name))
  const [scores, items, selves, votes, proposals, { reached, communes }] = await Promise.all([
    db.selectFrom('score').selectAll().where('covenant_id', '=', covenantId).execute(),
    db.selectFrom('score_item').selectAll().where('covenant_id', '=', covenantId).orderBy('id').execute(),
    db.selectFrom('self_assessment').selectAll().where('covenant_id', '=', covenantId).execute(),
    db.selectFrom('vote').selectAll().where('covenant_id', '=', covenantId).execute(),
    db.selectFrom('proposal').selectAll().where('covenant_id', '=', covenantId).orderBy('award').orderBy('updated_at').execute(),
    reachedOf(db, covenant, commitments),
  ])
  const groupOf = new Map(commitments.map((item) => [item.id, item.group]))

  const sheets = units.map((unit) => {
    const own = scores.filter((row) => row.unit_id === unit.id)
    const lines: ScoreLine[] = commitments.map((item) => {
      const self = own.find((row) => row.stage === 'self' && row.commitment_id === item.id)
      const bloc = own.filter((row) => row.stage === 'bloc' && row.commitment_id === item.id)
      const admin = bloc.find((row) => row.scorer_unit_id === '')
      const byScorer = bloc.filter((row) => row.scorer_unit_id !== '')
      return {
        commitmentId: item.id,
        suggested: suggestedScore(item, reached.get(unit.id)?.get(item.id) ?? { total: 0 }, communes.get(unit.id) ?? []),
        self: self ? { commitmentId: item.id, points: self.points, note: self.note, evidence: JSON.parse(self.evidence) as ScoreItem['evidence'] } : null,
        bloc: rules.scoringMode === 'cross' ? crossScore(new Map(byScorer.map((row) => [row.scorer_unit_id, row.points])), unit.id) : (admin?.points ?? null),
        blocNote: admin?.note ?? '',
        byScorer: byScorer.map((row) => ({ unitId: row.scorer_unit_id, points: row.points, note: row.note })),
      }
    })
    const unitItems = items.filter((row) => row.unit_id === unit.id)
    const selfItems = unitItems.filter((row) => row.stage === 'self').map(parseItem)
    const blocRows = unitItems.filter((row) => row.stage === 'bloc')
    const blocItems = blocRows.map((row) => ({ ...parseItem(row), scorerUnitId: row.scorer_unit_id }))
    const points = (pick: (line: ScoreLine) => number | null) => new Map(lines.map((line) => [line.commitmentId, pick(line) ?? 0]))
    const kinds = (list: ScoreItem[], kind: ScoreItem['kind']) => list.filter((item) => item.kind === kind).map((item) => item.points)
    // In cross-scoring each scoring unit's bonus and penalty count as their mean, like its scores.
    const blocKinds = (kind: ScoreItem['kind']) => {
      if (rules.scoringMode !== 'cross') return kinds(blocItems, kind)
      const scorers = byScorerOf(own)
      const sums = scorers.map((scorer) => kinds(blocRows.filter((row) => row.scorer_unit_id === scorer).map(parseItem), kind).reduce((sum, value) => sum + value, 0))
      return sums.length ? [sums.reduce((sum, value) => sum + value, 0) / sums.length] : []
    }
    const selfTotal = totalOf(
      { unitId: unit.id, scores: points((line) => line.self?.points ?? null), bonus: kinds(selfItems, 'bonus'), penalty: kinds(selfItems, 'penalty') },
      commitments,
      rules,
    )
    const total = totalOf({ unitId: unit.id, scores: points((line) => line.bloc), bonus: blocKinds('bonus'), penalty: blocKinds('penalty') }, commitments, rules)
    const groups = new Map<string, number>()
    for (const line of lines) groups.set(groupOf.get(line.commitmentId) ?? '', (groups.get(groupOf.get(line.commitmentId) ?? '') ?? 0) + (line.bloc ?? 0))
    const vote = votes.find((row) => row.unit_id === unit.id)
    const selfRow = selves.find((row) => row.unit_id === unit.id)
    return { unit, lines, selfItems, blocItems, selfTotal, total, groups, votes: vote?.votes ?? null, selfRow }
  })

  const order = rank(
    sheets.map((sheet): RankInput => ({ ...sheet.total, groups: sheet.groups, votes: sheet.votes ?? 0 })),
    rules.tieBreaks,
  )
  const place = new Map(order.map((row, index) => [row.unitId, index]))
  const ranked = new Map(order.map((row) => [row.unitId, row]))
  const visible = (unitId: string) => viewer.role === 'admin' || publishedAt !== null || unitId === viewer.unitId || (rules.scoringMode === 'cross' && viewer.role === 'lead')
  const result: UnitEvaluation[] = sheets
    .filter((sheet) => visible(sheet.unit.id))
    .map((sheet) => {
      const place = ranked.get(sheet.unit.id)
      const seesRank = viewer.role === 'admin' || publishedAt !== null
      return {
        unit: { id: sheet.unit.id, name: sheet.unit.name, shortName: sheet.unit.short_name },
        selfStatus: sheet.selfRow?.status ?? 'draft',
        selfComment: sheet.selfRow?.comment ?? '',
        submittedAt: sheet.selfRow?.submitted_at ?? null,
        lines: sheet.lines,
        selfItems: sheet.selfItems,
        blocItems: sheet.blocItems,
        selfTotal: sheet.selfTotal.total,
        total: sheet.total.total,
        bonus: sheet.total.bonus,
        penalty: sheet.total.penalty,
        band: sheet.total.band,
        rank: seesRank ? (place?.rank ?? null) : null,
        decidedBy: seesRank ? (place?.decidedBy?.kind ?? null) : null,
        decidedByGroup: seesRank && place?.decidedBy?.kind === 'group' ? place.decidedBy.group : null,
        votes: sheet.votes,
        voteCarries: sheet.votes !== null && voteCarries(sheet.votes, units.length, rules),
      }
    })
    // In the ranking's order, tie-breaks applied, where the viewer sees it; else by name.
    .sort((a, b) => (a.rank === null || b.rank === null ? 0 : (place.get(a.unit.id) ?? 0) - (place.get(b.unit.id) ?? 0)))
  const proposalsShown = viewer.role === 'admin' || publishedAt !== null ? proposals.map(toProposal) : []
  return { covenantId, year: covenant.year, rules, scale: scaleOf(commitments), publishedAt, units: result, proposals: proposalsShown }
}
