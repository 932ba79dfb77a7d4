/**
 * The year's end: suggested scores from what was reported, totals within the bloc's caps,
 * classification bands, the ranking with its stated tie-break, cross-scoring and the vote.
 * Every threshold is a setting of the bloc's year (`EvaluationRules`), never a constant here.
 */
import type { Commitment, Id } from './entities'

export const SELF_ASSESSMENT_STATUSES = ['draft', 'submitted', 'returned'] as const
/** A unit's self-assessment: being written, submitted ("Nộp"), or returned by the admin with a comment. */
export type SelfAssessmentStatus = (typeof SELF_ASSESSMENT_STATUSES)[number]

export const SCORING_MODES = ['admin', 'cross'] as const
/** `admin`: the head unit's secretariat scores every unit; `cross`: each unit's lead scores the others (chấm chéo). */
export type ScoringMode = (typeof SCORING_MODES)[number]

/** A classification band (xếp loại): its name and the lowest total that reaches it. */
export interface Band {
  name: string
  min: number
}

export const TIE_BREAKS = ['group', 'fewer_penalty', 'votes'] as const
/** One step of the tie-break: a higher score in a named criterion group, fewer penalty points, more votes. */
export type TieBreak = { kind: 'group'; group: string } | { kind: 'fewer_penalty' } | { kind: 'votes' }

/** An award the bloc proposes (Cờ thi đua, Bằng khen, …) and how many of it. */
export interface AwardRule {
  name: string
  count: number
}

export const MOTTOS = ['party', 'state'] as const
/** The motto top right of a record: "ĐẢNG CỘNG SẢN VIỆT NAM" for Party bodies, the national one for state bodies. */
export type Motto = (typeof MOTTOS)[number]

/** How the bloc's printed records are headed and signed (Vietnamese administrative layout). */
export interface RecordSettings {
  /** The issuing body, top left, such as "TỈNH ỦY HÀ GIANG / BAN TỔ CHỨC". Lines split by a newline. */
  issuer: string
  motto: Motto
  /** The place in the place-and-date line, such as "Hà Giang". */
  place: string
  /** The number's suffix after "Số: …/", such as "BB-KTĐ". */
  numberSuffix: string
  signerTitle: string
  signerName: string
}

/** The rules of one covenant's year-end evaluation, set by the bloc's admin. */
export interface EvaluationRules {
  /** The most bonus points (điểm thưởng) a unit's total takes. */
  bonusCap: number
  /** The most penalty points (điểm trừ) a unit's total loses. */
  penaltyCap: number
  /** Highest first or in any order: a total takes the highest band it reaches. */
  bands: Band[]
  /** Applied in order while two units' totals are equal. */
  tieBreaks: TieBreak[]
  scoringMode: ScoringMode
  /** A unit is honoured with more than this share of the member units' votes (0.5: more than half). */
  voteShare: number
  awards: AwardRule[]
  records: RecordSettings
}

/** Sensible defaults: the usual 100-point scale, caps of 5, the bands blocs commonly use. */
export const DEFAULT_EVALUATION_RULES: EvaluationRules = {
  bonusCap: 5,
  penaltyCap: 5,
  bands: [
    { name: 'Xuất sắc', min: 95 },
    { name: 'Tốt', min: 85 },
    { name: 'Khá', min: 70 },
    { name: 'Trung bình', min: 50 },
  ],
  tieBreaks: [{ kind: 'fewer_penalty' }, { kind: 'votes' }],
  scoringMode: 'admin',
  voteShare: 0.5,
  awards: [
    { name: 'Cờ thi đua', count: 1 },
    { name: 'Bằng khen', count: 2 },
  ],
  records: { issuer: 'KHỐI THI ĐUA\nĐƠN VỊ TRƯỞNG KHỐI', motto: 'party', place: '', numberSuffix: 'BB-KTĐ', signerTitle: 'TM. ĐƠN VỊ TRƯỞNG KHỐI', signerName: '' },
}

/** What a unit reached on one commitment: in total, or commune by commune for a commune-scoped one. */
export interface Reached {
  /** Sum of counts or highest percentage over the unit's reports; for `done`, 1 when done. */
  total: number
  /** For a commune-scoped commitment: what each assigned commune reached (a commune not listed reached 0). */
  byCommune?: ReadonlyMap<Id, number>
}

/** How far a target is met, 0…1: a target of zero (or none) asks nothing, so it is met. */
function share(reached: number, target: number | null): number {
  if (target === null || target <= 0) return 1
  return Math.min(1, Math.max(0, reached) / target)
}

/**
 * How far a commitment is met, 0…1. `done`: all or nothing. `count` and `percent`: in
 * proportion to the target, never past it. A commune-scoped target holds for each assigned
 * commune: each counts up to its own target and the unit's share is their mean, so four visits
 * to one commune do not make up for none in another.
 */
export function fulfilment(item: Pick<Commitment, 'measure' | 'target' | 'scope'>, reached: Reached, assignedCommunes: readonly Id[] = []): number {
  if (item.measure === 'done') return reached.total >= 1 ? 1 : 0
  if (item.scope === 'commune' && assignedCommunes.length > 0) {
    const shares = assignedCommunes.map((communeId) => share(reached.byCommune?.get(communeId) ?? 0, item.target))
    return shares.reduce((sum, value) => sum + value, 0) / shares.length
  }
  return share(reached.total, item.target)
}

/** Points rounded to two decimals, as a score sheet shows them. */
export const roundPoints = (points: number): number => Math.round(points * 100) / 100

/**
 * The suggested score (gợi ý điểm) of a commitment: its points in proportion to how far it is
 * met. A retired commitment suggests nothing: it is out of the year's scale.
 */
export function suggestedScore(item: Pick<Commitment, 'measure' | 'target' | 'scope' | 'maxPoints' | 'retiredAt'>, reached: Reached, assignedCommunes: readonly Id[] = []): number {
  if (item.retiredAt !== null) return 0
  return roundPoints(item.maxPoints * fulfilment(item, reached, assignedCommunes))
}

/** The year's scale: the points of the commitments still in it. */
export function scaleOf(commitments: readonly Pick<Commitment, 'maxPoints' | 'retiredAt'>[]): number {
  return commitments.filter((item) => item.retiredAt === null).reduce((sum, item) => sum + item.maxPoints, 0)
}

/** A unit's year in numbers: each commitment's score, and its bonus and penalty items' points. */
export interface UnitScores {
  unitId: Id
  /** Points per commitment id; a commitment without a score counts 0. */
  scores: ReadonlyMap<Id, number>
  bonus: readonly number[]
  penalty: readonly number[]
}

export interface UnitTotal {
  unitId: Id
  /** Sum over the commitments still in the year, each within its own points. */
  base: number
  /** Bonus and penalty as counted: within the year's caps. */
  bonus: number
  penalty: number
  total: number
  band: string | null
}

/** Sum of points, each item counted from zero up. */
const sumOf = (points: readonly number[]) => points.reduce((sum, value) => sum + Math.max(0, value), 0)

/** A unit's total: its commitment scores (each within 0…its points), plus bonus and less penalty within their caps, and its band. */
export function totalOf(
  unit: UnitScores,
  commitments: readonly Pick<Commitment, 'id' | 'maxPoints' | 'retiredAt'>[],
  rules: Pick<EvaluationRules, 'bonusCap' | 'penaltyCap' | 'bands'>,
): UnitTotal {
  let base = 0
  for (const item of commitments) {
    if (item.retiredAt !== null) continue
    base += Math.min(item.maxPoints, Math.max(0, unit.scores.get(item.id) ?? 0))
  }
  const bonus = Math.min(rules.bonusCap, sumOf(unit.bonus))
  const penalty = Math.min(rules.penaltyCap, sumOf(unit.penalty))
  const total = roundPoints(base + bonus - penalty)
  return { unitId: unit.unitId, base: roundPoints(base), bonus: roundPoints(bonus), penalty: roundPoints(penalty), total, band: bandOf(total, rules.bands) }
}

/** The highest band a total reaches, or null when it reaches none. */
export function bandOf(total: number, bands: readonly Band[]): string | null {
  let best: Band | null = null
  for (const band of bands) if (total >= band.min && (best === null || band.min > best.min)) best = band
  return best?.name ?? null
}

/**
 * The bloc's score of a unit on one commitment when each unit's lead scores the others: the
 * mean of the other units' scores, the unit's own left out. Null while nobody else has scored it.
 */
export function crossScore(scoresByScorer: ReadonlyMap<Id, number>, unitId: Id): number | null {
  const others = [...scoresByScorer].filter(([scorer]) => scorer !== unitId).map(([, points]) => points)
  return others.length ? roundPoints(others.reduce((sum, value) => sum + value, 0) / others.length) : null
}

/** What the ranking compares beside the total: points per criterion group, and votes received. */
export interface RankInput extends UnitTotal {
  groups?: ReadonlyMap<string, number>
  votes?: number
}

export interface Ranked extends RankInput {
  /** 1 for the first; units still equal after every tie-break share a rank. */
  rank: number
  /** The tie-break step that placed this unit below the one before it, when their totals were equal. */
  decidedBy: TieBreak | null
}

function compareBy(step: TieBreak, a: RankInput, b: RankInput): number {
  switch (step.kind) {
    case 'group':
      return (b.groups?.get(step.group) ?? 0) - (a.groups?.get(step.group) ?? 0)
    case 'fewer_penalty':
      return a.penalty - b.penalty
    case 'votes':
      return (b.votes ?? 0) - (a.votes ?? 0)
  }
}

/** The first tie-break step that orders two units of equal total, and its verdict. */
function tieBreak(a: RankInput, b: RankInput, steps: readonly TieBreak[]): { order: number; step: TieBreak | null } {
  for (const step of steps) {
    const order = compareBy(step, a, b)
    if (order !== 0) return { order, step }
  }
  return { order: 0, step: null }
}

/**
 * The ranking (xếp hạng): higher total first; equal totals by the year's tie-break steps in
 * order. Units equal after every step share a rank, and the next rank skips (1, 2, 2, 4).
 */
export function rank(units: readonly RankInput[], tieBreaks: readonly TieBreak[]): Ranked[] {
  // Stable: units equal after every step keep the order they came in (by name).
  const sorted = [...units].sort((a, b) => b.total - a.total || tieBreak(a, b, tieBreaks).order)
  const ranked: Ranked[] = []
  sorted.forEach((unit, index) => {
    const before = ranked[index - 1]
    if (!before) {
      ranked.push({ ...unit, rank: 1, decidedBy: null })
      return
    }
    if (before.total !== unit.total) {
      ranked.push({ ...unit, rank: index + 1, decidedBy: null })
      return
    }
    const { order, step } = tieBreak(before, unit, tieBreaks)
    ranked.push({ ...unit, rank: order === 0 ? before.rank : index + 1, decidedBy: step })
  })
  return ranked
}

/** Whether a unit's votes carry: more than the year's share of the member units (not of the ballots cast). */
export function voteCarries(votes: number, memberUnits: number, rules: Pick<EvaluationRules, 'voteShare'>): boolean {
  return memberUnits > 0 && votes > memberUnits * rules.voteShare
}

/** Problems with a year's rules, for the admin's form: caps and shares in range, bands and awards named. */
export function checkEvaluationRules(rules: EvaluationRules): { field: string; rule: string }[] {
  const problems: { field: string; rule: string }[] = []
  if (!(rules.bonusCap >= 0)) problems.push({ field: 'bonusCap', rule: 'min' })
  if (!(rules.penaltyCap >= 0)) problems.push({ field: 'penaltyCap', rule: 'min' })
  if (!(rules.voteShare >= 0 && rules.voteShare < 1)) problems.push({ field: 'voteShare', rule: 'range' })
  if (rules.bands.some((band) => !band.name.trim())) problems.push({ field: 'bands', rule: 'required' })
  if (new Set(rules.bands.map((band) => band.min)).size !== rules.bands.length) problems.push({ field: 'bands', rule: 'unique' })
  if (rules.awards.some((award) => !award.name.trim() || !Number.isInteger(award.count) || award.count < 1)) problems.push({ field: 'awards', rule: 'required' })
  if (rules.tieBreaks.some((step) => step.kind === 'group' && !step.group.trim())) problems.push({ field: 'tieBreaks', rule: 'required' })
  return problems
}
