import { Type, type Static } from '@sinclair/typebox'

export const Id = Type.String({ format: 'uuid', description: 'UUID' })
export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A day, yyyy-MM-dd' })
export const IsoDateTime = Type.String({ format: 'date-time', description: 'A moment, ISO 8601 in UTC' })

/** The body of every 4xx and 5xx answer. `code` names the case for the app to explain. */
export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
    code: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
)
export type ErrorResponse = Static<typeof ErrorResponse>

/** Error `code`s the app tells the user about. */
export const ERROR_CODES = {
  unauthorized: 'unauthorized',
  deviceRevoked: 'device_revoked',
  forbidden: 'forbidden',
  codeUnknown: 'enrollment_code_unknown',
  codeExpired: 'enrollment_code_expired',
  codeUsed: 'enrollment_code_used',
  badLogin: 'bad_login',
  tooManyAttempts: 'too_many_attempts',
  notFound: 'not_found',
  invalid: 'invalid',
} as const
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES]
