import type { Exemplar } from './exemplar'
import type { ImageType } from './image'
import { isTouched, type PhotoInfo, type Report } from './report'

/**
 * What a push carries of the phone's work (the protocol's `PushedReport`, `PushedExemplar` and
 * `PushedPhoto`): the same whether the phone sends it or a backup file brings it to the endpoint.
 */

/** A photo's description, less what stays on the phone (its place in its report, where it was added). */
export function photoForPush(photo: PhotoInfo) {
  return {
    id: photo.id,
    sha256: photo.sha256,
    size: photo.size,
    type: photo.type as ImageType,
    width: photo.width,
    height: photo.height,
    caption: photo.caption,
    takenAt: photo.takenAt,
    ...(photo.capturedAt !== undefined && { capturedAt: photo.capturedAt, capturedLatitude: photo.capturedLatitude ?? null, capturedLongitude: photo.capturedLongitude ?? null }),
    ...(photo.fingerprint && { fingerprint: photo.fingerprint }),
  }
}

/** A report with its photos, its untouched entries left out. */
export function reportForPush(report: Report, photos: readonly PhotoInfo[]) {
  return {
    id: report.id,
    unitId: report.unitId,
    communeId: report.communeId,
    covenantId: report.covenantId,
    visitDate: report.visitDate,
    visitTime: report.visitTime,
    summary: report.summary,
    location: report.location,
    entries: report.entries.filter(isTouched),
    photos: photos.map(photoForPush),
    revision: report.revision,
    createdAt: report.createdAt,
    updatedAt: report.updatedAt,
  }
}

export function exemplarForPush(exemplar: Exemplar, photos: readonly PhotoInfo[]) {
  const { id, unitId, covenantId, kind, nominee, role, story, revision, createdAt, updatedAt } = exemplar
  return { id, unitId, covenantId, kind, nominee, role, story, photos: photos.map(photoForPush), revision, createdAt, updatedAt }
}
