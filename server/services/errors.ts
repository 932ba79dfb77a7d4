import { STATUS_CODES } from 'node:http'
import type { Problem } from '../../src/domain'
import { ERROR_CODES, type ErrorCode, type ErrorResponse, type RescueErrorCode, type UPLOAD_ERROR_CODES } from '../../src/protocol'

type UploadErrorCode = (typeof UPLOAD_ERROR_CODES)[keyof typeof UPLOAD_ERROR_CODES]

/**
 * A request the endpoint refuses: answered with this 4xx status and the usual error body, by
 * the app's error handler or, for a photo upload, by tus. Services throw it; routes never build
 * one.
 */
export class Refusal extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode | UploadErrorCode | RescueErrorCode,
    message: string,
    /** The domain's broken rules, for a 400 `invalid`. */
    readonly problems?: Problem[],
    /** Headers the answer carries, such as `retry-after`. */
    readonly headers?: Record<string, string>,
  ) {
    super(message)
  }
}

/** The reason phrase of an HTTP status, as every error body names it. */
export const reasonOf = (status: number) => STATUS_CODES[status] ?? 'Error'

/** The body every refusal is answered with, whoever sends it. */
export function errorBody(refusal: Refusal): ErrorResponse {
  return {
    statusCode: refusal.statusCode,
    error: reasonOf(refusal.statusCode),
    message: refusal.message,
    code: refusal.code,
    ...(refusal.problems && { problems: refusal.problems }),
  }
}

/**
 * The body of a 4xx that no service chose (Fastify's own, tus's own), with the code its status
 * means: every refusal of the endpoint carries a code, which is how the phone tells the
 * endpoint's answers from a captive portal's pages.
 */
export function statusRefusal(status: number, message: string): ErrorResponse {
  const code = status === 404 || status === 410 ? ERROR_CODES.notFound : status === 409 || status === 412 || status === 423 ? ERROR_CODES.conflict : ERROR_CODES.invalid
  return { statusCode: status, error: reasonOf(status), code, message: message || reasonOf(status) }
}

/** 400: the request breaks a rule; `problems` name each for the app to show beside its field. */
export const invalid = (message: string, problems?: Problem[]) => new Refusal(400, ERROR_CODES.invalid, message, problems)
/** 401: no caller, or one the endpoint no longer knows. */
export const unauthorized = (message: string) => new Refusal(401, ERROR_CODES.unauthorized, message)
/** 403: a known caller without the right to this. */
export const forbidden = (message: string) => new Refusal(403, ERROR_CODES.forbidden, message)
/** 404: `No such <what>`. */
export const notFound = (what: string) => new Refusal(404, ERROR_CODES.notFound, `No such ${what}`)
/** 409: the change does not fit what the endpoint holds now. */
export const conflict = (message: string, problems?: Problem[]) => new Refusal(409, ERROR_CODES.conflict, message, problems)
/** 429: too many failed attempts; try again in `seconds`. */
export const tooManyAttempts = (seconds: number, message: string) => new Refusal(429, ERROR_CODES.tooManyAttempts, message, undefined, { 'retry-after': String(seconds) })

/** `write`, with a unique constraint's refusal (SQLite's or PostgreSQL's) answered as a 409 with `message`. */
export async function uniquely<T>(message: string, write: () => Promise<T>, problems?: Problem[]): Promise<T> {
  try {
    return await write()
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') throw conflict(message, problems)
    throw error
  }
}

/** A 400 naming each broken rule, or nothing when there are none. */
export function refuseProblems(problems: Problem[], what: string): void {
  if (problems.length) throw invalid(`${what} is not valid: ${problems.map((p) => `${p.field} (${p.rule})`).join(', ')}`, problems)
}
