import { Type, type Static } from '@sinclair/typebox'
import { closed } from './common'

const count = Type.Integer({ minimum: 0 })

/** What a rescue file uploaded on the dashboard gave the endpoint. */
export const RescueUploadResponse = Type.Object(
  {
    /** Reports and exemplary cases that had been queued on the phone, as the push answered them. */
    reports: Type.Object({ accepted: count, duplicate: count, conflict: count, rejected: count }, closed),
    exemplars: Type.Object({ accepted: count, duplicate: count, conflict: count, rejected: count }, closed),
    /** Photos stored now; photos whose bytes were not what their report says (size, type, SHA-256), not stored. */
    photos: Type.Object({ stored: count, refused: count }, closed),
    /** Drafts and refused items: the cadre's to finish; they stay in the file. */
    left: Type.Object({ drafts: count, refused: count }, closed),
  },
  closed,
)
export type RescueUploadResponse = Static<typeof RescueUploadResponse>
