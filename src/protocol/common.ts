import { Type, type Static } from '@sinclair/typebox'

/** Objects on the wire have exactly their declared fields: a field the contract does not know is refused. */
export const closed = { additionalProperties: false } as const
/** One of a list of string literals. */
export const oneOf = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)))

/**
 * A number or null as one JSON Schema type list, not `anyOf`: the endpoint's Ajv coerces types,
 * and trying the number branch of an `anyOf` first would turn a null into 0.
 */
export const numberOrNull = (type: 'number' | 'integer', options: { minimum?: number; maximum?: number } = {}) => Type.Unsafe<number | null>({ type: [type, 'null'], ...options })

/** For compile-time checks that a wire shape is a domain type, no more and no less. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export type AllTrue<T extends true[]> = T

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
    /** For `invalid`: each broken rule of the domain (`field`, `rule`), for the app to show beside its field. */
    problems: Type.Optional(Type.Array(Type.Object({ field: Type.String(), rule: Type.String() }))),
  },
  { additionalProperties: true },
)
export type ErrorResponse = Static<typeof ErrorResponse>
