/**
 * The wire contract's plain values: paths, limits, file names and error codes. TypeBox-free, so
 * the app may import them as values (everything else in `protocol/` it takes as types only); the
 * endpoint imports the same ones, so neither side restates them.
 */

/** Error `code`s the app tells the user about. */
export const ERROR_CODES = {
  unauthorized: 'unauthorized',
  deviceRevoked: 'device_revoked',
  forbidden: 'forbidden',
  codeUnknown: 'enrollment_code_unknown',
  codeExpired: 'enrollment_code_expired',
  codeUsed: 'enrollment_code_used',
  /** 409: the code is another member's, and the phone still holds unsent work of its member. */
  otherMember: 'enrollment_other_member',
  badLogin: 'bad_login',
  tooManyAttempts: 'too_many_attempts',
  notFound: 'not_found',
  invalid: 'invalid',
  /** The change does not fit what the endpoint holds now (a name taken, a signed covenant's measure). */
  conflict: 'conflict',
  /** 409: the covenant's year is closed: nothing of it changes any more. */
  yearClosed: 'year_closed',
} as const
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES]

/** The most reports one push may carry; the body is also limited to `PUSH_LIMITS.bytes`. */
export const PUSH_LIMITS = { reports: 50, bytes: 1024 * 1024 } as const

/** tus upload metadata every photo upload carries (`Upload-Metadata`). */
export const UPLOAD_METADATA = ['photoId', 'reportId', 'sha256', 'filetype'] as const
export const UPLOADS_PATH = '/api/uploads'

/**
 * `code`s of a refused photo upload (a JSON error body, like every route's), beside the shared
 * `ERROR_CODES` (`invalid` for missing metadata, `forbidden` for another unit's report).
 */
export const UPLOAD_ERROR_CODES = {
  /** 409: the report the endpoint holds does not list this photo with this SHA-256 and size: push the report first. */
  photoNotListed: 'photo_not_listed',
  /** 413: over the endpoint's PHOTO_MAX_BYTES. */
  photoTooLarge: 'photo_too_large',
  /** 415: not a JPEG, PNG or WebP, whatever it claims. */
  notAnImage: 'not_an_image',
  /** 422: the bytes received do not have the SHA-256 the upload announced. */
  hashMismatch: 'photo_hash_mismatch',
  /** 422: the picture's header declares more pixels than a phone ever sends (`PHOTO_MAX_EDGE`), or none can be read. */
  tooManyPixels: 'photo_too_many_pixels',
} as const

/**
 * A rescue file uploaded on the dashboard for a member whose phone is gone
 * (`POST /api/members/:memberId/rescue`, the file as the body, its passphrase percent-encoded in
 * `x-rescue-passphrase` when it is sealed): at most `bytes`; refused with one of `RESCUE_ERROR_CODES` when it cannot be read.
 */
export const RESCUE_LIMITS = { bytes: 200 * 1024 * 1024 } as const
export const RESCUE_PASSPHRASE_HEADER = 'x-rescue-passphrase'
export const RESCUE_ERROR_CODES = {
  /** 400: not a rescue file, or cut short. */
  damaged: 'rescue_damaged',
  /** 422: a part's SHA-256 is not the manifest's. */
  altered: 'rescue_altered',
  /** 422: made by a newer version of the app. */
  newer: 'rescue_newer_version',
  /** 400: sealed, and no passphrase came with it. */
  passphraseNeeded: 'rescue_passphrase_needed',
  /** 422: sealed, and the passphrase does not open it. */
  wrongPassphrase: 'rescue_wrong_passphrase',
  /** 422: the file is another member's than the one it is uploaded for. */
  otherMember: 'rescue_other_member',
} as const
export type RescueErrorCode = (typeof RESCUE_ERROR_CODES)[keyof typeof RESCUE_ERROR_CODES]

/** `GET /api/export/:file`: one year's reports, entries and progress, for Excel. */
export const EXPORT_FILES = ['reports.csv', 'entries.csv', 'progress.csv', 'covenant.xlsx'] as const
export type ExportFile = (typeof EXPORT_FILES)[number]
