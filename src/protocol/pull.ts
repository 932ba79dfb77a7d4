import { Type, type Static } from '@sinclair/typebox'
import { Assignment, Bloc, Commitment, Commune, Covenant, Member, Unit } from './reference'
import { Removal, Review } from './review'
import type * as domain from '../domain'
import { Id, IsoDate, IsoDateTime, type AllTrue, type Same } from './common'
import { PushedReport } from './push'

/** `GET /api/pull?cursor=…`: the reference data of the device's unit that changed since the cursor. */
export const PullQuery = Type.Object(
  {
    cursor: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'The cursor of the last pull; 0 or absent for everything' })),
  },
  { additionalProperties: false },
)
export type PullQuery = Static<typeof PullQuery>

/** Other units of the bloc, by name only. */
export const UnitName = Type.Pick(Unit, ['id', 'name', 'shortName'])
export type UnitName = Static<typeof UnitName>

export const EvaluatingYear = Type.Object({ covenantId: Id, year: Type.Integer() }, { additionalProperties: false })
export type EvaluatingYear = Static<typeof EvaluatingYear>

/** See the domain's `HeldFigure`. */
export const HeldFigure = Type.Object(
  {
    communeId: Id,
    commitmentId: Id,
    reports: Type.Integer({ minimum: 0 }),
    amount: Type.Union([Type.Number(), Type.Null()]),
    done: Type.Boolean(),
  },
  { additionalProperties: false },
)
export type HeldFigure = Static<typeof HeldFigure>
// The wire shape is the domain's, no more and no less: this fails to compile otherwise.
export type HeldFigureMatchesDomain = AllTrue<[Same<HeldFigure, domain.HeldFigure>]>

export const LastVisit = Type.Object({ communeId: Id, date: IsoDate }, { additionalProperties: false })
export type LastVisit = Static<typeof LastVisit>

/** One of the member's reports as the endpoint holds it: what was last sent, and its receipt. */
export const HeldReport = Type.Object(
  { report: PushedReport, receipt: Type.Object({ number: Type.String(), committedAt: IsoDateTime }, { additionalProperties: false }) },
  { additionalProperties: false },
)
export type HeldReport = Static<typeof HeldReport>

export const PullResponse = Type.Object(
  {
    cursor: Type.Integer({ minimum: 0, description: 'Send this back in the next pull' }),
    full: Type.Boolean({ description: 'true: this is everything the phone should hold; drop the rest' }),
    /** Every field is what changed since the request's cursor: absent or empty when nothing did. */
    bloc: Type.Optional(Bloc),
    units: Type.Array(UnitName),
    unit: Type.Optional(Unit),
    member: Type.Optional(Member),
    communes: Type.Array(Commune),
    assignments: Type.Array(Assignment),
    covenant: Type.Optional(Covenant),
    commitments: Type.Array(Commitment),
    /** Reviews of the unit's reports made since the cursor, the latest of each report. */
    reviews: Type.Array(Review),
    /** Reports and photos of the unit the admin removed since the cursor. */
    removed: Type.Array(Removal),
    /** The bloc's years being evaluated, always whole: a cadre may still put forward exemplary cases for them. */
    evaluating: Type.Optional(Type.Array(EvaluatingYear)),
    /**
     * Always whole: what the endpoint holds for the active covenant from the reports of the
     * unit's other members, by commune and commitment. The phone adds its own reports to it.
     */
    held: Type.Optional(Type.Array(HeldFigure)),
    /** Always whole: the day of the unit's latest visit the endpoint holds to each commune on the active covenant, by anyone. */
    lastVisits: Type.Optional(Type.Array(LastVisit)),
    /**
     * In a full answer only: the member's reports on the active covenant and on the years being
     * evaluated, so that a reinstalled or replaced phone has them back (photos by reference: the
     * phone fetches them when shown). Their reviews come in `reviews`.
     */
    ownReports: Type.Optional(Type.Array(HeldReport)),
  },
  { additionalProperties: false },
)
export type PullResponse = Static<typeof PullResponse>
