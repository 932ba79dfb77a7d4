import { Type, type Static } from '@sinclair/typebox'
import { LIMITS, MEASURES, SCOPES } from '../domain'
import { closed, Id, IsoDate, numberOrNull, oneOf } from './common'
import { Assignment, Bloc, Commitment, Commune, Covenant, Unit } from './reference'

const name = (maxLength: number = LIMITS.nameLength) => Type.String({ minLength: 1, maxLength })
const Year = Type.Integer({ minimum: LIMITS.firstYear, maximum: LIMITS.lastYear })

/** What of the bloc is demo data, as `npm start` seeded it: shown as such until the admin removes it. */
export const DemoData = Type.Object(
  {
    unitIds: Type.Array(Id),
    communeIds: Type.Array(Id),
    covenantIds: Type.Array(Id),
    members: Type.Integer({ minimum: 0 }),
    /** Reports written by the demo's people. */
    reports: Type.Integer({ minimum: 0 }),
  },
  closed,
)
export type DemoData = Static<typeof DemoData>

/** `POST /api/demo/removal`: how many of each went. */
export const DemoRemoved = Type.Object({ units: Type.Integer(), communes: Type.Integer(), covenants: Type.Integer(), members: Type.Integer(), reports: Type.Integer() }, closed)
export type DemoRemoved = Static<typeof DemoRemoved>

/** `GET /api/setup`: the bloc as the dashboard sets it up. Leads read it too. */
export const SetupResponse = Type.Object(
  {
    bloc: Bloc,
    units: Type.Array(Unit),
    communes: Type.Array(Commune),
    /** Communes another bloc lists too: their name and place are the province's office's to change. */
    sharedCommuneIds: Type.Array(Id),
    /** Newest year first. */
    covenants: Type.Array(Covenant),
    /** null once the bloc holds no demo data. */
    demo: Type.Union([DemoData, Type.Null()]),
  },
  closed,
)
export type SetupResponse = Static<typeof SetupResponse>

/** `PUT /api/bloc`: its name, and the year's head and deputy units. */
export const BlocRequest = Type.Object(
  {
    name: name(),
    province: Type.String({ maxLength: LIMITS.nameLength }),
    headUnitId: Type.Union([Id, Type.Null()]),
    deputyUnitId: Type.Union([Id, Type.Null()]),
  },
  closed,
)
export type BlocRequest = Static<typeof BlocRequest>

/** `POST /api/units`, `PUT /api/units/:unitId`. */
export const UnitRequest = Type.Object({ name: name(), shortName: name(LIMITS.unitLabelLength * 3) }, closed)
export type UnitRequest = Static<typeof UnitRequest>
export const UnitParams = Type.Object({ unitId: Id }, closed)

/** `POST /api/communes`, `PUT /api/communes/:communeId`. */
export const CommuneRequest = Type.Object({ name: name(), district: name(), province: name() }, closed)
export type CommuneRequest = Static<typeof CommuneRequest>
export const CommuneParams = Type.Object({ communeId: Id }, closed)

/** `GET /api/assignments/:year`, and `PUT /api/assignments/:year` with the whole year's list. */
export const YearParams = Type.Object({ year: Year }, closed)
export const AssignmentsRequest = Type.Object({ assignments: Type.Array(Type.Object({ unitId: Id, communeId: Id }, closed), { maxItems: 5000 }) }, closed)
export type AssignmentsRequest = Static<typeof AssignmentsRequest>
export const AssignmentsResponse = Type.Object({ year: Year, assignments: Type.Array(Assignment) }, closed)
export type AssignmentsResponse = Static<typeof AssignmentsResponse>

/** A covenant with all its commitments, retired ones included, in order. */
export const CovenantDetail = Type.Object({ covenant: Covenant, commitments: Type.Array(Commitment) }, closed)
export type CovenantDetail = Static<typeof CovenantDetail>
export const CovenantParams = Type.Object({ covenantId: Id }, closed)

/** `POST /api/covenants`: a draft for a year, empty or a copy of another year's commitments. */
export const CreateCovenantRequest = Type.Object(
  {
    year: Year,
    slogan: Type.String({ maxLength: LIMITS.sloganLength }),
    copyFrom: Type.Optional(Id),
  },
  closed,
)
export type CreateCovenantRequest = Static<typeof CreateCovenantRequest>

/** `PUT /api/covenants/:covenantId`. */
export const CovenantRequest = Type.Object({ slogan: Type.String({ maxLength: LIMITS.sloganLength }) }, closed)
export type CovenantRequest = Static<typeof CovenantRequest>

/** `POST /api/covenants/:covenantId/status`: draft → signed (on `signedAt`) → evaluating → closed. */
export const CovenantStatusRequest = Type.Object({ status: oneOf(['signed', 'evaluating', 'closed'] as const), signedAt: Type.Optional(IsoDate) }, closed)
export type CovenantStatusRequest = Static<typeof CovenantStatusRequest>

/**
 * `POST /api/covenants/:covenantId/commitments`, `PUT /api/commitments/:commitmentId`. Once the
 * covenant is signed, a commitment's measure and scope stay as signed.
 */
export const CommitmentRequest = Type.Object(
  {
    group: name(),
    order: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    title: name(LIMITS.titleLength),
    description: Type.String({ maxLength: LIMITS.descriptionLength }),
    measure: oneOf(MEASURES),
    target: numberOrNull('number'),
    unitLabel: Type.String({ maxLength: LIMITS.unitLabelLength }),
    maxPoints: Type.Number({ minimum: 0, maximum: LIMITS.maxPoints }),
    scope: oneOf(SCOPES),
  },
  closed,
)
export type CommitmentRequest = Static<typeof CommitmentRequest>
export const CommitmentParams = Type.Object({ commitmentId: Id }, closed)

/** `POST /api/commitments/:commitmentId/retire`: withdraw a signed commitment, or bring it back. */
export const RetireRequest = Type.Object({ retired: Type.Boolean() }, closed)
export type RetireRequest = Static<typeof RetireRequest>
