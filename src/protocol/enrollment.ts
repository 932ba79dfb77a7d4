import { Type, type Static } from '@sinclair/typebox'
import { LIMITS } from '../domain'
import { Id, IsoDateTime } from './common'
import { Device, Member, Unit } from './reference'

/** `POST /api/enrollment-codes`: a lead or admin lets one member enroll a phone. */
export const CreateEnrollmentCodeRequest = Type.Object(
  {
    memberId: Id,
    validHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 14, default: 24 })),
  },
  { additionalProperties: false },
)
export type CreateEnrollmentCodeRequest = Static<typeof CreateEnrollmentCodeRequest>

export const EnrollmentCodeResponse = Type.Object(
  {
    code: Type.String({ description: 'One-time code, shown as ABCDE-FGHJK' }),
    expiresAt: IsoDateTime,
    link: Type.String({ description: 'Opens the app with the code filled in' }),
    memberId: Id,
  },
  { additionalProperties: false },
)
export type EnrollmentCodeResponse = Static<typeof EnrollmentCodeResponse>

/** `POST /api/members/:memberId/enrollment-codes/revoke`: how many unused codes stopped working. */
export const RevokedCodes = Type.Object({ revoked: Type.Integer({ minimum: 0 }) }, { additionalProperties: false })
export type RevokedCodes = Static<typeof RevokedCodes>

/**
 * `POST /api/enroll`: a phone exchanges a code for its device token. `requestId`, made by the
 * phone for this attempt, lets it retry after a lost answer and still get its token.
 */
export const EnrollRequest = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 40 }),
    deviceName: Type.String({ minLength: 1, maxLength: LIMITS.deviceNameLength }),
    requestId: Type.Optional(Id),
    /**
     * The member this phone still holds unsent work for: a code of anyone else is refused (409
     * `enrollment_other_member`) and stays unused, so their reports are never sent under another name.
     */
    onlyMemberId: Type.Optional(Id),
  },
  { additionalProperties: false },
)
export type EnrollRequest = Static<typeof EnrollRequest>

export const EnrollResponse = Type.Object(
  {
    deviceToken: Type.String({ description: 'Bearer token of this device; shown once' }),
    device: Device,
    member: Member,
    unit: Unit,
  },
  { additionalProperties: false },
)
export type EnrollResponse = Static<typeof EnrollResponse>

/** `POST /api/devices/:deviceId/revoke`. */
export const DeviceParams = Type.Object({ deviceId: Id }, { additionalProperties: false })
export type DeviceParams = Static<typeof DeviceParams>
