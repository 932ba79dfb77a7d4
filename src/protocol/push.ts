import { Type, type Static } from '@sinclair/typebox'
import { ENTRY_STATUSES, EXEMPLAR_KINDS, EXEMPLAR_LIMITS, IMAGE_TYPES, LIMITS, PHOTO_MAX_EDGE, REPORT_LIMITS } from '../domain'
import { closed, Id, IsoDate, IsoDateTime, numberOrNull, oneOf } from './common'
import { PUSH_LIMITS } from './constants'

export const PushedEntry = Type.Object(
  {
    commitmentId: Id,
    status: oneOf(ENTRY_STATUSES),
    amount: numberOrNull('number', { minimum: 0, maximum: REPORT_LIMITS.maxAmount }),
    note: Type.String({ maxLength: REPORT_LIMITS.noteLength }),
  },
  closed,
)

export const PushedLocation = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    accuracy: Type.Number({ minimum: 0 }),
    takenAt: IsoDateTime,
  },
  closed,
)

/** A photo as the report lists it; its bytes follow separately, by tus upload. */
export const PushedPhoto = Type.Object(
  {
    id: Id,
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    size: Type.Integer({ minimum: 1 }),
    type: oneOf(IMAGE_TYPES),
    width: Type.Integer({ minimum: 1, maximum: PHOTO_MAX_EDGE }),
    height: Type.Integer({ minimum: 1, maximum: PHOTO_MAX_EDGE }),
    caption: Type.String({ maxLength: 500 }),
    takenAt: IsoDateTime,
    /** What the camera's EXIF said, read on the phone before re-encoding; absent from older phones. */
    capturedAt: Type.Optional(Type.Union([IsoDateTime, Type.Null()])),
    capturedLatitude: Type.Optional(Type.Union([Type.Number({ minimum: -90, maximum: 90 }), Type.Null()])),
    capturedLongitude: Type.Optional(Type.Union([Type.Number({ minimum: -180, maximum: 180 }), Type.Null()])),
    /** The picture's 64-bit difference hash, to find it again in other reports. */
    fingerprint: Type.Optional(Type.String({ pattern: '^[0-9a-f]{16}$' })),
  },
  closed,
)

/**
 * A report as the phone sends it. The author is the device's member and is not sent; `unitId`
 * is checked against the device's unit, whatever it says.
 */
export const PushedReport = Type.Object(
  {
    id: Id,
    unitId: Id,
    communeId: Id,
    covenantId: Id,
    visitDate: IsoDate,
    visitTime: Type.String({ pattern: '^(\\d{2}:\\d{2})?$' }),
    summary: Type.String({ maxLength: REPORT_LIMITS.summaryLength }),
    location: Type.Union([PushedLocation, Type.Null()]),
    entries: Type.Array(PushedEntry, { maxItems: 200 }),
    photos: Type.Array(PushedPhoto, { maxItems: REPORT_LIMITS.maxPhotos }),
    revision: Type.Integer({ minimum: 1 }),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  },
  closed,
)
export type PushedReport = Static<typeof PushedReport>
export type PushedPhoto = Static<typeof PushedPhoto>

/**
 * An exemplary collective or person (điển hình tiên tiến) put forward from the phone, sent like
 * a report: its id made on the phone, its photos listed here and uploaded by tus.
 */
export const PushedExemplar = Type.Object(
  {
    id: Id,
    unitId: Id,
    covenantId: Id,
    kind: oneOf(EXEMPLAR_KINDS),
    nominee: Type.String({ minLength: 1, maxLength: LIMITS.nameLength }),
    role: Type.String({ maxLength: LIMITS.nameLength }),
    story: Type.String({ minLength: 1, maxLength: EXEMPLAR_LIMITS.storyLength }),
    photos: Type.Array(PushedPhoto, { maxItems: EXEMPLAR_LIMITS.maxPhotos }),
    revision: Type.Integer({ minimum: 1 }),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  },
  closed,
)
export type PushedExemplar = Static<typeof PushedExemplar>

/** What the phone says of itself with each push, for the dashboard's device list. */
export const DeviceStatus = Type.Object(
  {
    appVersion: Type.String({ maxLength: 50 }),
    waiting: Type.Integer({ minimum: 0, description: 'Reports and photos waiting to be sent' }),
    freeBytes: numberOrNull('integer', { minimum: 0 }),
  },
  closed,
)
export type DeviceStatus = Static<typeof DeviceStatus>

/** `POST /api/push`. */
export const PushRequest = Type.Object(
  {
    reports: Type.Array(PushedReport, { maxItems: PUSH_LIMITS.reports }),
    /** Exemplary cases put forward, answered in `exemplars`; phones of before they existed send none. */
    exemplars: Type.Optional(Type.Array(PushedExemplar, { maxItems: PUSH_LIMITS.reports })),
    device: Type.Optional(DeviceStatus),
  },
  closed,
)
export type PushRequest = Static<typeof PushRequest>

/** Proof that the endpoint holds a report: a short number a cadre can read out, and when it was committed. */
export const Receipt = Type.Object(
  {
    number: Type.String({ description: 'Short and human-readable, e.g. "26-000123"' }),
    committedAt: IsoDateTime,
  },
  closed,
)
export type Receipt = Static<typeof Receipt>

const stored = {
  id: Id,
  receipt: Receipt,
  revision: Type.Integer({ minimum: 1, description: 'The revision the endpoint now holds' }),
  missingPhotos: Type.Array(Id, { description: 'Photos of the report the endpoint does not have yet: upload these' }),
}

export const PushResult = Type.Union([
  /** Stored now: new, or a newer revision than the endpoint had. */
  Type.Object({ outcome: Type.Literal('accepted'), ...stored }, closed),
  /** The same id, revision and content again: nothing written, the first answer again. */
  Type.Object({ outcome: Type.Literal('duplicate'), ...stored }, closed),
  /** The same id with other content at the same revision, or an older revision: the endpoint's version wins and comes back. */
  Type.Object({ outcome: Type.Literal('conflict'), ...stored, current: PushedReport }, closed),
  /** Not stored: `reason` says why in words a cadre understands (Vietnamese); `code` names the case. */
  Type.Object(
    {
      outcome: Type.Literal('rejected'),
      id: Id,
      code: oneOf(['invalid', 'wrong_unit', 'not_author', 'commune_not_assigned', 'covenant_not_active', 'unknown_commitment', 'removed'] as const),
      reason: Type.String(),
    },
    closed,
  ),
])
export type PushResult = Static<typeof PushResult>
export type RejectionCode = Extract<PushResult, { outcome: 'rejected' }>['code']

/** The answer for an exemplary case: as for a report, but a conflict does not send the endpoint's version back (the lead may have edited it). */
export const ExemplarResult = Type.Union([
  Type.Object({ outcome: Type.Literal('accepted'), ...stored }, closed),
  Type.Object({ outcome: Type.Literal('duplicate'), ...stored }, closed),
  Type.Object({ outcome: Type.Literal('conflict'), ...stored }, closed),
  Type.Object({ outcome: Type.Literal('rejected'), id: Id, code: oneOf(['invalid', 'wrong_unit', 'covenant_not_active'] as const), reason: Type.String() }, closed),
])
export type ExemplarResult = Static<typeof ExemplarResult>

export const PushResponse = Type.Object({ results: Type.Array(PushResult), exemplars: Type.Array(ExemplarResult) }, closed)
export type PushResponse = Static<typeof PushResponse>
