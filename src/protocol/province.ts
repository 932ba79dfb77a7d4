import { Type, type Static } from '@sinclair/typebox'
import { LIMITS } from '../domain'
import { closed, Id, IsoDateTime } from './common'
import { Proposal } from './evaluation'
import { Password, Username } from './members'
import { UnitName } from './pull'
import { Bloc, Commune, Covenant } from './reference'

/**
 * The province's emulation office (role `province`): every bloc of the endpoint at a glance,
 * new blocs with their first admin, and the places several blocs share. It reads; each bloc's
 * admin runs their bloc.
 */

/** `GET /api/province` and `GET /api/province/export.xlsx`: a covenant year, the current one when absent. */
export const ProvinceQuery = Type.Object(
  { year: Type.Optional(Type.Integer({ minimum: LIMITS.firstYear, maximum: LIMITS.lastYear, description: 'The covenant year; this year when absent' })) },
  closed,
)
export type ProvinceQuery = Static<typeof ProvinceQuery>

/** A unit of a bloc as the province reads it: its year's reports and commitments met; its result once the bloc publishes it. */
export const ProvinceUnit = Type.Object(
  {
    unit: UnitName,
    reports: Type.Integer({ minimum: 0 }),
    /** Commitments of the covenant the unit has reached (a target met, or marked done). */
    met: Type.Integer({ minimum: 0 }),
    total: Type.Union([Type.Number(), Type.Null()]),
    band: Type.Union([Type.String(), Type.Null()]),
    rank: Type.Union([Type.Integer(), Type.Null()]),
  },
  closed,
)
export type ProvinceUnit = Static<typeof ProvinceUnit>

export const ProvinceBloc = Type.Object(
  {
    bloc: Bloc,
    /** Seeded by the demo. */
    demo: Type.Boolean(),
    /** Usernames of the bloc's admins, for the office to know whom to call. */
    admins: Type.Array(Type.String()),
    covenant: Type.Union([Covenant, Type.Null()]),
    /** Commitments of the covenant in force (not withdrawn). */
    commitments: Type.Integer({ minimum: 0 }),
    /** When the bloc published its results; until then no totals, places or proposals are shown. */
    publishedAt: Type.Union([IsoDateTime, Type.Null()]),
    units: Type.Array(ProvinceUnit),
    proposals: Type.Array(Type.Object({ ...Proposal.properties, unitName: Type.Union([Type.String(), Type.Null()]) }, closed)),
  },
  closed,
)
export type ProvinceBloc = Static<typeof ProvinceBloc>

export const ProvinceResponse = Type.Object({ year: Type.Integer(), blocs: Type.Array(ProvinceBloc) }, closed)
export type ProvinceResponse = Static<typeof ProvinceResponse>

/** `POST /api/province/blocs`: a new bloc, its head unit, and its first admin, who signs in with this username and password. */
export const CreateBlocRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: LIMITS.nameLength }),
    province: Type.String({ minLength: 1, maxLength: LIMITS.nameLength }),
    headUnit: Type.Object({ name: Type.String({ minLength: 1, maxLength: LIMITS.nameLength }), shortName: Type.String({ minLength: 1, maxLength: LIMITS.nameLength }) }, closed),
    admin: Type.Object({ name: Type.String({ minLength: 1, maxLength: LIMITS.nameLength }), username: Username, password: Password }, closed),
  },
  closed,
)
export type CreateBlocRequest = Static<typeof CreateBlocRequest>

export const CreateBlocResponse = Type.Object({ bloc: Bloc, adminId: Id, adminUsername: Type.String() }, closed)
export type CreateBlocResponse = Static<typeof CreateBlocResponse>

/** `GET /api/province/communes`: the communes more than one bloc lists, each with those blocs. The office corrects them with `PUT /api/province/communes/:communeId` (a `CommuneRequest`). */
export const SharedCommune = Type.Object({ commune: Commune, blocs: Type.Array(Type.Object({ id: Id, name: Type.String() }, closed)) }, closed)
export type SharedCommune = Static<typeof SharedCommune>
export const SharedCommunesResponse = Type.Object({ communes: Type.Array(SharedCommune) }, closed)
export type SharedCommunesResponse = Static<typeof SharedCommunesResponse>

/** `PUT /api/province/admins/:username/password`: a bloc admin who forgot their password or was locked out gets the one the office sets; their sessions end. */
export const AdminPasswordParams = Type.Object({ username: Type.String({ minLength: 1, maxLength: 50 }) }, closed)
export type AdminPasswordParams = Static<typeof AdminPasswordParams>
export const AdminPasswordRequest = Type.Object({ password: Password }, closed)
export type AdminPasswordRequest = Static<typeof AdminPasswordRequest>
