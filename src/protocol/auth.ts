import { Type, type Static } from '@sinclair/typebox'
import { IsoDateTime } from './common'
import { Member, Unit } from './reference'

/** `POST /api/auth/login`: a lead or the bloc admin signs in to the dashboard. */
export const LoginRequest = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
)
export type LoginRequest = Static<typeof LoginRequest>

export const LoginResponse = Type.Object(
  {
    token: Type.String({ description: 'Bearer token for the Authorization header' }),
    expiresAt: IsoDateTime,
    member: Member,
    unit: Unit,
  },
  { additionalProperties: false },
)
export type LoginResponse = Static<typeof LoginResponse>
