import { Type, type Static } from '@sinclair/typebox'
import type * as domain from '../domain'
import { COVENANT_STATUSES, MEASURES, ROLES, SCOPES } from '../domain'
import { closed, Id, IsoDate, IsoDateTime, oneOf, type AllTrue, type Same } from './common'

export const Bloc = Type.Object(
  {
    id: Id,
    name: Type.String(),
    province: Type.String(),
    headUnitId: Type.Union([Id, Type.Null()]),
    deputyUnitId: Type.Union([Id, Type.Null()]),
  },
  closed,
)

export const Unit = Type.Object({ id: Id, blocId: Id, name: Type.String(), shortName: Type.String() }, closed)

export const Commune = Type.Object({ id: Id, name: Type.String(), district: Type.String(), province: Type.String() }, closed)

export const Assignment = Type.Object({ unitId: Id, communeId: Id, year: Type.Integer() }, closed)

export const Covenant = Type.Object(
  {
    id: Id,
    blocId: Id,
    year: Type.Integer(),
    slogan: Type.String(),
    status: oneOf(COVENANT_STATUSES),
    signedAt: Type.Union([IsoDate, Type.Null()]),
  },
  closed,
)

export const Commitment = Type.Object(
  {
    id: Id,
    covenantId: Id,
    group: Type.String(),
    order: Type.Integer({ minimum: 1 }),
    title: Type.String(),
    description: Type.String(),
    measure: oneOf(MEASURES),
    target: Type.Union([Type.Number(), Type.Null()]),
    unitLabel: Type.String(),
    maxPoints: Type.Number({ minimum: 0 }),
    scope: oneOf(SCOPES),
    retiredAt: Type.Union([IsoDateTime, Type.Null()], { description: 'Set when withdrawn from a signed covenant: kept for the reports made against it' }),
  },
  closed,
)

export const Member = Type.Object({ id: Id, unitId: Id, name: Type.String(), role: oneOf(ROLES), title: Type.String() }, closed)

export const Device = Type.Object({ id: Id, memberId: Id, name: Type.String(), enrolledAt: IsoDateTime, revokedAt: Type.Union([IsoDateTime, Type.Null()]) }, closed)

export type Bloc = Static<typeof Bloc>
export type Unit = Static<typeof Unit>
export type Commune = Static<typeof Commune>
export type Assignment = Static<typeof Assignment>
export type Covenant = Static<typeof Covenant>
export type Commitment = Static<typeof Commitment>
export type Member = Static<typeof Member>
export type Device = Static<typeof Device>

// The wire shapes are the domain's entities, no more and no less: this fails to compile otherwise.
export type WireMatchesDomain = AllTrue<
  [
    Same<Bloc, domain.Bloc>,
    Same<Unit, domain.Unit>,
    Same<Commune, domain.Commune>,
    Same<Assignment, domain.Assignment>,
    Same<Covenant, domain.Covenant>,
    Same<Commitment, domain.Commitment>,
    Same<Member, domain.Member>,
    Same<Device, domain.Device>,
  ]
>
