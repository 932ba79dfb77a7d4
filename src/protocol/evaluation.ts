import { Type, type Static } from '@sinclair/typebox'
import { LIMITS, MOTTOS, SCORING_MODES, SELF_ASSESSMENT_STATUSES, type EvaluationRules as DomainRules } from '../domain'
import { closed, Id, IsoDateTime, oneOf, type AllTrue, type Same } from './common'
import { UnitName } from './pull'

const Points = Type.Number({ minimum: 0, maximum: 1000 })
const Text = (maxLength: number) => Type.String({ maxLength })
const Name = Type.String({ minLength: 1, maxLength: LIMITS.nameLength })

/** The year's rules of evaluation (`PUT /api/covenants/:covenantId/evaluation/rules`), admin only. */
export const EvaluationRules = Type.Object(
  {
    bonusCap: Points,
    penaltyCap: Points,
    bands: Type.Array(Type.Object({ name: Name, min: Points }, closed), { maxItems: 10 }),
    tieBreaks: Type.Array(
      Type.Union([
        Type.Object({ kind: Type.Literal('group'), group: Name }, closed),
        Type.Object({ kind: Type.Literal('fewer_penalty') }, closed),
        Type.Object({ kind: Type.Literal('votes') }, closed),
      ]),
      { maxItems: 10 },
    ),
    scoringMode: oneOf(SCORING_MODES),
    voteShare: Type.Number({ minimum: 0, exclusiveMaximum: 1 }),
    awards: Type.Array(Type.Object({ name: Name, count: Type.Integer({ minimum: 1, maximum: 100 }) }, closed), { maxItems: 10 }),
    /** How the printed records are headed and signed. */
    records: Type.Object(
      {
        issuer: Type.String({ maxLength: LIMITS.nameLength }),
        motto: oneOf(MOTTOS),
        place: Type.String({ maxLength: LIMITS.nameLength }),
        numberSuffix: Type.String({ maxLength: 40 }),
        signerTitle: Type.String({ maxLength: LIMITS.nameLength }),
        signerName: Type.String({ maxLength: LIMITS.nameLength }),
      },
      closed,
    ),
  },
  closed,
)
export type EvaluationRules = Static<typeof EvaluationRules>

/** Evidence for a score: reports of the unit, and photos of them. */
export const Evidence = Type.Object({ reportIds: Type.Array(Id, { maxItems: 50 }), photoIds: Type.Array(Id, { maxItems: 50 }) }, closed)
export type Evidence = Static<typeof Evidence>

/** A score a person gives a unit on one commitment, with why and what shows it. */
export const ScoreInput = Type.Object({ commitmentId: Id, points: Points, note: Text(LIMITS.descriptionLength), evidence: Evidence }, closed)
export type ScoreInput = Static<typeof ScoreInput>

/** A bonus (an initiative, a standout result) or a penalty item, its points and why. */
export const ScoreItem = Type.Object(
  { kind: oneOf(['bonus', 'penalty'] as const), title: Name, points: Points, reason: Text(LIMITS.descriptionLength), evidence: Evidence },
  closed,
)
export type ScoreItem = Static<typeof ScoreItem>

/** A bonus or penalty item the bloc gave, with who gave it: '' for the admin, else the scoring unit in cross-scoring. */
export const GivenItem = Type.Object({ ...ScoreItem.properties, scorerUnitId: Type.String() }, closed)
export type GivenItem = Static<typeof GivenItem>

/** `PUT …/units/:unitId/self` (the unit's lead) and `…/bloc` (the scorer): a whole sheet at a time. */
export const ScoreSheetRequest = Type.Object(
  { scores: Type.Array(ScoreInput, { maxItems: 200 }), items: Type.Array(ScoreItem, { maxItems: 50 }), comment: Type.Optional(Text(LIMITS.descriptionLength)) },
  closed,
)
export type ScoreSheetRequest = Static<typeof ScoreSheetRequest>

/** `POST …/units/:unitId/self/return`: the admin sends a self-assessment back, saying why. */
export const ReturnRequest = Type.Object({ comment: Type.String({ minLength: 1, maxLength: LIMITS.descriptionLength }) }, closed)
export type ReturnRequest = Static<typeof ReturnRequest>

/** One commitment of a unit's sheet: the suggestion from reports beside each score a person gave. */
export const ScoreLine = Type.Object(
  {
    commitmentId: Id,
    suggested: Type.Number(),
    self: Type.Union([ScoreInput, Type.Null()]),
    /** The bloc's score: the admin's, or in cross-scoring the mean of the other units' scores. */
    bloc: Type.Union([Type.Number(), Type.Null()]),
    blocNote: Type.String(),
    /** In cross-scoring: each scoring unit's points (its own left out of the mean). */
    byScorer: Type.Array(Type.Object({ unitId: Id, points: Type.Number(), note: Type.String() }, closed)),
  },
  closed,
)
export type ScoreLine = Static<typeof ScoreLine>

/** A unit's year-end: its self-assessment's state, sheet, items, totals and place. */
export const UnitEvaluation = Type.Object(
  {
    unit: UnitName,
    selfStatus: oneOf(SELF_ASSESSMENT_STATUSES),
    /** The admin's comment when returned; the lead's when submitted. */
    selfComment: Type.String(),
    submittedAt: Type.Union([IsoDateTime, Type.Null()]),
    lines: Type.Array(ScoreLine),
    selfItems: Type.Array(ScoreItem),
    blocItems: Type.Array(GivenItem),
    selfTotal: Type.Number(),
    total: Type.Number(),
    bonus: Type.Number(),
    penalty: Type.Number(),
    band: Type.Union([Type.String(), Type.Null()]),
    rank: Type.Union([Type.Integer(), Type.Null()]),
    /** The tie-break step that placed the unit below an equal total, if one did. */
    decidedBy: Type.Union([oneOf(['group', 'fewer_penalty', 'votes'] as const), Type.Null()]),
    /** For a `group` step: the criterion group that decided. */
    decidedByGroup: Type.Union([Type.String(), Type.Null()]),
    votes: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    voteCarries: Type.Boolean(),
  },
  closed,
)
export type UnitEvaluation = Static<typeof UnitEvaluation>

/** `POST …/evaluation/proposals`, `PUT …/proposals/:proposalId`: a commendation proposed for one of the year's awards. */
export const ProposalRequest = Type.Object(
  {
    award: Name,
    /** The unit proposed, or null for a collective or person named in `nominee` (điển hình tiên tiến). */
    unitId: Type.Union([Id, Type.Null()]),
    nominee: Type.String({ maxLength: LIMITS.nameLength }),
    achievements: Type.String({ minLength: 1, maxLength: LIMITS.descriptionLength * 5 }),
    evidence: Evidence,
    status: oneOf(['proposed', 'approved'] as const),
    /** The exemplary case from the field it came from (`GET /api/exemplars`), whose story and photos support it. */
    exemplarId: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  closed,
)
export type ProposalRequest = Static<typeof ProposalRequest>
export const Proposal = Type.Object({ id: Id, ...ProposalRequest.properties, exemplarId: Type.Union([Id, Type.Null()]), updatedAt: IsoDateTime }, closed)
export type Proposal = Static<typeof Proposal>
export const ProposalParams = Type.Object({ covenantId: Id, proposalId: Id }, closed)

/** `GET /api/covenants/:covenantId/evaluation`: what the caller may see of the year's evaluation. */
export const EvaluationResponse = Type.Object(
  {
    covenantId: Id,
    year: Type.Integer(),
    rules: EvaluationRules,
    /** The scale: points of the commitments still in the year. */
    scale: Type.Number(),
    publishedAt: Type.Union([IsoDateTime, Type.Null()]),
    /** Ranked when the caller may see the ranking, else only the caller's own unit. */
    units: Type.Array(UnitEvaluation),
    /** The admin's, and everyone's once published. */
    proposals: Type.Array(Proposal),
  },
  closed,
)
export type EvaluationResponse = Static<typeof EvaluationResponse>

export const EvaluationUnitParams = Type.Object({ covenantId: Id, unitId: Id }, closed)

/** `PUT /api/covenants/:covenantId/evaluation/votes`: the conference's tally, votes per unit. */
export const VotesRequest = Type.Object({ votes: Type.Array(Type.Object({ unitId: Id, votes: Type.Integer({ minimum: 0, maximum: 1000 }) }, closed), { maxItems: 200 }) }, closed)
export type VotesRequest = Static<typeof VotesRequest>

// The rules on the wire are the domain's, no more and no less: this fails to compile otherwise.
export type EvaluationMatchesDomain = AllTrue<[Same<EvaluationRules, DomainRules>]>
