import { Type, type Static } from '@sinclair/typebox'
import { ROLES } from '../domain'
import { closed, Id, IsoDateTime, oneOf } from './common'
import { Unit } from './reference'

/** `POST /api/auth/login`: a lead or the bloc admin signs in to the dashboard, or someone of the province's emulation office. */
export const LoginRequest = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
)
export type LoginRequest = Static<typeof LoginRequest>

/** Who signed in: `unitId` is null, and `role` is `province`, for the province's emulation office. */
export const SignedInMember = Type.Object(
  { id: Id, unitId: Type.Union([Id, Type.Null()]), name: Type.String(), role: oneOf([...ROLES, 'province'] as const), title: Type.String() },
  closed,
)

export const LoginResponse = Type.Object(
  {
    token: Type.String({ description: 'Bearer token for the Authorization header' }),
    expiresAt: IsoDateTime,
    member: SignedInMember,
    unit: Type.Union([Unit, Type.Null()], { description: 'The member’s unit; null for the province’s office' }),
  },
  { additionalProperties: false },
)
export type LoginResponse = Static<typeof LoginResponse>
