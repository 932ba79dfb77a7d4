import type { PhotoRow } from '@/db/database'

/**
 * Photos the phone holds only in part: those of reports the endpoint gave back to a phone started
 * afresh (no bytes at all), and those whose full size the cadre chose to free. What is missing is
 * fetched from the endpoint when shown, with the phone's token; a thumbnail is then kept.
 */
const pending = new Map<string, Promise<void>>()

async function fetchOwn(photo: PhotoRow, size: 'thumb' | 'full'): Promise<Blob> {
  const [{ getEnrollment }, { requestBlob }] = await Promise.all([import('@/db/reference'), import('@/sync/api')])
  const enrollment = await getEnrollment()
  if (!enrollment || enrollment.revokedAt) throw new Error('not enrolled')
  const query = size === 'thumb' ? '?size=thumb' : ''
  const { blob } = await requestBlob(`/api/device/reports/${photo.reportId}/photos/${photo.id}${query}`, { token: enrollment.token })
  return blob
}

/** Fetch and keep the thumbnail of a photo held by reference; once at a time per photo. Throws when there is no answer. */
export function loadThumbnail(photo: PhotoRow): Promise<void> {
  let loading = pending.get(photo.id)
  if (!loading) {
    loading = (async () => {
      const thumbnail = await fetchOwn(photo, 'thumb')
      const { keepThumbnail } = await import('@/db/reports')
      await keepThumbnail(photo.id, thumbnail)
    })().finally(() => pending.delete(photo.id))
    pending.set(photo.id, loading)
  }
  return loading
}

/** The photo at full size: the phone's own bytes, else the endpoint's; null when neither can be had now. */
export async function fullSizeOf(photo: PhotoRow): Promise<Blob | null> {
  if (photo.blob) return photo.blob
  try {
    return await fetchOwn(photo, 'full')
  } catch {
    return null
  }
}
