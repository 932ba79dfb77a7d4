import { Type, type Static } from '@sinclair/typebox'
import { LIMITS, MEMBER_LIMITS, ROLES } from '../domain'
import { closed, Id, IsoDateTime, numberOrNull, oneOf } from './common'
import { Device, Member } from './reference'

/** A phone as its member's lead sees it: what it last said of itself, and when it last synced. */
export const DeviceDetail = Type.Composite(
  [
    Device,
    Type.Object({
      lastSeenAt: Type.Union([IsoDateTime, Type.Null()]),
      lastPushAt: Type.Union([IsoDateTime, Type.Null()]),
      appVersion: Type.Union([Type.String(), Type.Null()]),
      waiting: numberOrNull('integer'),
      freeBytes: numberOrNull('integer'),
    }),
  ],
  closed,
)
export type DeviceDetail = Static<typeof DeviceDetail>

export const MemberDetail = Type.Composite(
  [
    Member,
    Type.Object({
      /** For leads and the admin, who sign in to the dashboard; cadres only enroll phones. */
      username: Type.Union([Type.String(), Type.Null()]),
      devices: Type.Array(DeviceDetail),
    }),
  ],
  closed,
)
export type MemberDetail = Static<typeof MemberDetail>

/** `GET /api/members?unitId=`: the admin sees every unit, a lead their own. */
export const MembersQuery = Type.Object({ unitId: Type.Optional(Id) }, closed)
export type MembersQuery = Static<typeof MembersQuery>
export const MembersResponse = Type.Object({ members: Type.Array(MemberDetail) }, closed)
export type MembersResponse = Static<typeof MembersResponse>

export const Username = Type.String({ minLength: 3, maxLength: 50, pattern: '^[a-zA-Z0-9._-]+$', description: 'Letters without diacritics, digits, . _ -' })
export const Password = Type.String({ minLength: MEMBER_LIMITS.passwordLength, maxLength: 200 })

/**
 * `POST /api/members`, `PUT /api/members/:memberId`. A lead or the admin needs a username and,
 * when created, a password to sign in with; a cadre needs neither. On a change, a password left
 * out stays as it was.
 */
export const MemberRequest = Type.Object(
  {
    unitId: Id,
    name: Type.String({ minLength: 1, maxLength: LIMITS.nameLength }),
    title: Type.String({ maxLength: LIMITS.nameLength }),
    role: oneOf(ROLES),
    username: Type.Optional(Type.Union([Username, Type.Null()])),
    password: Type.Optional(Password),
  },
  closed,
)
export type MemberRequest = Static<typeof MemberRequest>
export const MemberParams = Type.Object({ memberId: Id }, closed)
