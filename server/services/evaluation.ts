import { randomUUID } from 'node:crypto'
import type { Kysely, Selectable, Transaction } from 'kysely'
import { checkEvaluationRules, DEFAULT_EVALUATION_RULES, type EvaluationRules } from '../../src/domain'
import { ERROR_CODES, type EvaluationResponse, type ProposalRequest, type ScoreSheetRequest, type VotesRequest } from '../../src/protocol'
import type { CovenantTable, Database, ProposalTable, ScoreItemTable, ScoreTable } from '../db/schema'
import { audit } from './audit'
import { conflict, forbidden, invalid, notFound, Refusal } from './errors'
import { covenantOf, evaluationOf, rulesOf } from './evaluation-view'
import { assertAdmin, type Manager } from './scope'

/**
 * The year's end, its changes: the rules, a unit's self-assessment, the bloc's scores, the vote,
 * proposals and publication. Each is one transaction with its audit entry, taken only while
 * the covenant is being evaluated, and answers the evaluation as it now stands.
 */

/** Changes are taken only while the year is being evaluated: closing it locks everything, whatever the app shows. */
function assertOpen(covenant: Selectable<CovenantTable>): void {
  if (covenant.status === 'closed') throw new Refusal(409, ERROR_CODES.yearClosed, `The ${covenant.year} covenant is closed: its evaluation can no longer change`)
  if (covenant.status !== 'evaluating') throw conflict(`The ${covenant.year} covenant is not being evaluated yet`)
}

/** `PUT …/evaluation/rules`: the admin sets the year's caps, bands, tie-break, scoring mode, vote share and awards. */
export async function saveRules(db: Kysely<Database>, actor: Manager, covenantId: string, rules: EvaluationRules, now = new Date()): Promise<EvaluationResponse> {
  assertAdmin(actor)
  const problems = checkEvaluationRules(rules)
  if (problems.length) throw invalid('The rules of evaluation are not valid', problems)
  await db.transaction().execute(async (trx) => {
    const covenant = await covenantOf(trx, actor, covenantId)
    if (covenant.status === 'closed') assertOpen(covenant)
    const at = now.toISOString()
    await trx
      .insertInto('evaluation')
      .values({ covenant_id: covenantId, rules: JSON.stringify(rules), published_at: null, updated_at: at })
      .onConflict((oc) => oc.column('covenant_id').doUpdateSet({ rules: JSON.stringify(rules), updated_at: at }))
      .execute()
    await audit(
      trx,
      actor,
      'evaluation.rules',
      null,
      { year: covenant.year, scoringMode: rules.scoringMode, bonusCap: rules.bonusCap, penaltyCap: rules.penaltyCap, voteShare: rules.voteShare },
      now,
    )
  })
  return evaluationOf(db, actor, covenantId)
}

/**
 * Who scores a unit at the bloc stage, as the scorer's key (`''` for the admin), or a refusal:
 * the admin alone, or in cross-scoring a lead of any other unit.
 */
function blocScorer(actor: Manager, rules: EvaluationRules, unitId: string): string {
  if (rules.scoringMode === 'admin') {
    assertAdmin(actor)
    return ''
  }
  if (actor.role !== 'lead') throw forbidden('In cross-scoring each unit’s lead scores the other units')
  if (actor.unitId === unitId) throw forbidden('A unit does not score itself at the bloc stage')
  return actor.unitId
}

async function writeSheet(
  trx: Transaction<Database>,
  actor: Manager,
  covenant: Selectable<CovenantTable>,
  unitId: string,
  stage: 'self' | 'bloc',
  scorer: string,
  sheet: ScoreSheetRequest,
  at: string,
): Promise<{ before: number; after: number }> {
  const commitments = new Map((await trx.selectFrom('commitment').selectAll().where('covenant_id', '=', covenant.id).execute()).map((row) => [row.id, row]))
  for (const score of sheet.scores) {
    const item = commitments.get(score.commitmentId)
    if (!item || item.retired_at !== null) throw invalid('A score names a commitment not in the year', [{ field: `scores.${score.commitmentId}`, rule: 'unknown' }])
    if (score.points > item.max_points) throw invalid('A score is over its commitment’s points', [{ field: `scores.${score.commitmentId}`, rule: 'max' }])
  }
  const held = trx.selectFrom('score').where('covenant_id', '=', covenant.id).where('unit_id', '=', unitId).where('stage', '=', stage).where('scorer_unit_id', '=', scorer)
  const { before } = await held.select((eb) => eb.fn.coalesce(eb.fn.sum<number>('points'), eb.lit(0)).as('before')).executeTakeFirstOrThrow()
  await trx.deleteFrom('score').where('covenant_id', '=', covenant.id).where('unit_id', '=', unitId).where('stage', '=', stage).where('scorer_unit_id', '=', scorer).execute()
  await trx.deleteFrom('score_item').where('covenant_id', '=', covenant.id).where('unit_id', '=', unitId).where('stage', '=', stage).where('scorer_unit_id', '=', scorer).execute()
  const rows: ScoreTable[] = sheet.scores.map((score) => ({
    covenant_id: covenant.id,
    unit_id: unitId,
    commitment_id: score.commitmentId,
    stage,
    scorer_unit_id: scorer,
    points: score.points,
    note: score.note,
    evidence: JSON.stringify(score.evidence),
    at,
    by_id: actor.id,
  }))
  if (rows.length) await trx.insertInto('score').values(rows).execute()
  const items: Omit<ScoreItemTable, 'id'>[] = sheet.items.map((item) => ({
    covenant_id: covenant.id,
    unit_id: unitId,
    stage,
    scorer_unit_id: scorer,
    kind: item.kind,
    title: item.title,
    points: item.points,
    reason: item.reason,
    evidence: JSON.stringify(item.evidence),
  }))
  if (items.length) await trx.insertInto('score_item').values(items).execute()
  return { before: Number(before), after: rows.reduce((sum, row) => sum + row.points, 0) }
}

/** `PUT …/units/:unitId/self`: the unit's lead writes its self-assessment, while it is not submitted. */
export async function saveSelf(db: Kysely<Database>, actor: Manager, covenantId: string, unitId: string, sheet: ScoreSheetRequest, now = new Date()): Promise<EvaluationResponse> {
  if (actor.role !== 'lead' || actor.unitId !== unitId) throw forbidden('Only the unit’s own lead assesses it')
  await db.transaction().execute(async (trx) => {
    const covenant = await covenantOf(trx, actor, covenantId)
    assertOpen(covenant)
    const held = await trx.selectFrom('self_assessment').selectAll().where('covenant_id', '=', covenantId).where('unit_id', '=', unitId).executeTakeFirst()
    if (held?.status === 'submitted') throw conflict('The self-assessment is submitted: it changes only once the admin returns it')
    const at = now.toISOString()
    const { before, after } = await writeSheet(trx, actor, covenant, unitId, 'self', '', sheet, at)
    await trx
      .insertInto('self_assessment')
      .values({ covenant_id: covenantId, unit_id: unitId, status: held?.status ?? 'draft', comment: held?.comment ?? '', submitted_at: null, updated_at: at })
      .onConflict((oc) => oc.columns(['covenant_id', 'unit_id']).doUpdateSet({ updated_at: at }))
      .execute()
    await audit(trx, actor, 'evaluation.self', unitId, { year: covenant.year, before, after, items: sheet.items.length, why: sheet.comment ?? null }, now)
  })
  return evaluationOf(db, actor, covenantId)
}

/** `POST …/self/submit` ("Nộp") by the unit's lead; `POST …/self/return` by the admin, with why. */
export async function moveSelf(
  db: Kysely<Database>,
  actor: Manager,
  covenantId: string,
  unitId: string,
  to: 'submitted' | 'returned',
  comment = '',
  now = new Date(),
): Promise<EvaluationResponse> {
  if (to === 'submitted' && (actor.role !== 'lead' || actor.unitId !== unitId)) throw forbidden('Only the unit’s own lead submits its self-assessment')
  if (to === 'returned') assertAdmin(actor)
  await db.transaction().execute(async (trx) => {
    const covenant = await covenantOf(trx, actor, covenantId)
    assertOpen(covenant)
    const held = await trx.selectFrom('self_assessment').selectAll().where('covenant_id', '=', covenantId).where('unit_id', '=', unitId).executeTakeFirst()
    if (to === 'submitted' && held?.status === 'submitted') throw conflict('The self-assessment is already submitted')
    if (to === 'returned' && held?.status !== 'submitted') throw conflict('Only a submitted self-assessment can be returned')
    const at = now.toISOString()
    const values = { status: to, comment, submitted_at: to === 'submitted' ? at : null, updated_at: at }
    await trx
      .insertInto('self_assessment')
      .values({ covenant_id: covenantId, unit_id: unitId, ...values })
      .onConflict((oc) => oc.columns(['covenant_id', 'unit_id']).doUpdateSet(values))
      .execute()
    await audit(trx, actor, to === 'submitted' ? 'evaluation.submit' : 'evaluation.return', unitId, { year: covenant.year, why: comment || null }, now)
  })
  return evaluationOf(db, actor, covenantId)
}

/** `PUT …/units/:unitId/bloc`: the bloc's scores of a unit, by the admin or, in cross-scoring, another unit's lead. */
export async function saveBloc(db: Kysely<Database>, actor: Manager, covenantId: string, unitId: string, sheet: ScoreSheetRequest, now = new Date()): Promise<EvaluationResponse> {
  await db.transaction().execute(async (trx) => {
    const covenant = await covenantOf(trx, actor, covenantId)
    assertOpen(covenant)
    const unit = await trx.selectFrom('unit').select('id').where('id', '=', unitId).where('bloc_id', '=', covenant.bloc_id).executeTakeFirst()
    if (!unit) throw notFound('unit')
    const scorer = blocScorer(actor, (await rulesOf(trx, covenantId)).rules, unitId)
    const { before, after } = await writeSheet(trx, actor, covenant, unitId, 'bloc', scorer, sheet, now.toISOString())
    await audit(trx, actor, 'evaluation.bloc', unitId, { year: covenant.year, before, after, items: sheet.items.length, why: sheet.comment ?? null }, now)
  })
  return evaluationOf(db, actor, covenantId)
}

/** `PUT …/evaluation/votes`: the conference's tally, by the admin. */
export async function saveVotes(db: Kysely<Database>, actor: Manager, covenantId: string, body: VotesRequest, now = new Date()): Promise<EvaluationResponse> {
  assertAdmin(actor)
  await db.transaction().execute(async (trx) => {
    const covenant = await covenantOf(trx, actor, covenantId)
    assertOpen(covenant)
    const units = new Set((await trx.selectFrom('unit').select('id').where('bloc_id', '=', covenant.bloc_id).execute()).map((row) => row.id))
    if (body.votes.some((vote) => !units.has(vote.unitId))) throw invalid('A vote names a unit not in the bloc', [{ field: 'votes', rule: 'unknown' }])
    await trx.deleteFrom('vote').where('covenant_id', '=', covenantId).execute()
    if (body.votes.length)
      await trx
        .insertInto('vote')
        .values(body.votes.map((vote) => ({ covenant_id: covenantId, unit_id: vote.unitId, votes: vote.votes })))
        .execute()
    await audit(trx, actor, 'evaluation.votes', null, { year: covenant.year, ballots: body.votes.reduce((sum, vote) => sum + vote.votes, 0) }, now)
  })
  return evaluationOf(db, actor, covenantId)
}

/** `POST …/evaluation/publish`: the admin makes the results and ranking visible to every lead of the bloc. */
export async function publish(db: Kysely<Database>, actor: Manager, covenantId: string, now = new Date()): Promise<EvaluationResponse> {
  assertAdmin(actor)
  await db.transaction().execute(async (trx) => {
    const covenant = await covenantOf(trx, actor, covenantId)
    assertOpen(covenant)
    const at = now.toISOString()
    await trx
      .insertInto('evaluation')
      .values({ covenant_id: covenantId, rules: JSON.stringify(DEFAULT_EVALUATION_RULES), published_at: at, updated_at: at })
      .onConflict((oc) => oc.column('covenant_id').doUpdateSet({ published_at: at, updated_at: at }))
      .execute()
    await audit(trx, actor, 'evaluation.publish', null, { year: covenant.year }, now)
  })
  return evaluationOf(db, actor, covenantId)
}

/**
 * `POST …/evaluation/proposals` (no `proposalId`) and `PUT …/proposals/:proposalId`: the admin
 * proposes a unit, or a collective or person found during the year, for one of the year's
 * awards, with their achievements and supporting photos; and approves the list.
 */
export async function saveProposal(
  db: Kysely<Database>,
  actor: Manager,
  covenantId: string,
  proposalId: string | null,
  body: ProposalRequest,
  now = new Date(),
): Promise<EvaluationResponse> {
  assertAdmin(actor)
  await db.transaction().execute(async (trx) => {
    const covenant = await covenantOf(trx, actor, covenantId)
    assertOpen(covenant)
    const { rules } = await rulesOf(trx, covenantId)
    if (!rules.awards.some((award) => award.name === body.award)) throw invalid('The award is not one of the year’s', [{ field: 'award', rule: 'oneOf' }])
    if (body.unitId && !(await trx.selectFrom('unit').select('id').where('id', '=', body.unitId).where('bloc_id', '=', covenant.bloc_id).executeTakeFirst())) throw notFound('unit')
    if (!body.unitId && !body.nominee.trim()) throw invalid('Name the collective or person proposed', [{ field: 'nominee', rule: 'required' }])
    if (body.exemplarId && !(await trx.selectFrom('exemplar').select('id').where('id', '=', body.exemplarId).where('covenant_id', '=', covenantId).executeTakeFirst()))
      throw notFound('exemplar')
    const row: ProposalTable = {
      id: proposalId ?? randomUUID(),
      covenant_id: covenantId,
      award: body.award,
      unit_id: body.unitId,
      nominee: body.nominee.trim(),
      achievements: body.achievements,
      evidence: JSON.stringify(body.evidence),
      status: body.status,
      updated_at: now.toISOString(),
      exemplar_id: body.exemplarId ?? null,
    }
    if (proposalId) {
      const changed = await trx.updateTable('proposal').set(row).where('id', '=', proposalId).where('covenant_id', '=', covenantId).executeTakeFirst()
      if (changed.numUpdatedRows !== 1n) throw notFound('proposal')
    } else await trx.insertInto('proposal').values(row).execute()
    await audit(trx, actor, 'evaluation.proposal', body.unitId, { year: covenant.year, award: body.award, nominee: row.nominee || null, status: body.status }, now)
  })
  return evaluationOf(db, actor, covenantId)
}
