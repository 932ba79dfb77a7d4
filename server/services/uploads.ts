import path from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import type { Kysely } from 'kysely'
import type { DataStore, Upload } from '@tus/server'
import { PHOTO_MAX_EDGE } from '../../src/domain'
import { UPLOAD_ERROR_CODES, UPLOAD_METADATA } from '../../src/protocol'
import type { Database } from '../db/schema'
import { uploadMessages } from '../messages'
import { forbidden, invalid, Refusal } from './errors'
import { inspectPhoto, type InspectedPhoto, type PhotoStore } from './photo-store'
import { isUnitReport, listedPhoto, photoProgress, recordPhotoBlob, unitOfOwner } from './photos'

/** What the uploads' checks need: the database, tus's store of uploads, where photos go, and the limit. */
export interface PhotoUploadsOptions {
  db: Kysely<Database>
  /** tus's store: an upload is read from it, and removed from it when refused. */
  store: Pick<DataStore, 'getUpload' | 'remove'>
  /** Where the store keeps each upload's bytes, in a file named by its id. */
  uploadsDir: string
  /** Received photos, by SHA-256. */
  photos: PhotoStore
  photoMaxBytes: number
  log: FastifyBaseLogger
}

type Metadata = Record<(typeof UPLOAD_METADATA)[number], string>

/** The upload's metadata, or a 400 naming what is missing. */
function metadataOf(upload: Upload): Metadata {
  const metadata = upload.metadata ?? {}
  const missing = UPLOAD_METADATA.filter((key) => !metadata[key])
  if (missing.length) throw invalid(uploadMessages.metadataMissing(missing))
  return Object.fromEntries(UPLOAD_METADATA.map((key) => [key, metadata[key] ?? ''])) as Metadata
}

/**
 * The rules of photo uploads, each photo one its report lists: what is checked when an upload
 * is created, when its last byte arrives, and when a phone asks about one. Every refusal is a
 * `Refusal` with a Vietnamese message, which tus answers like every other route's error.
 */
export function photoUploads({ db, store, uploadsDir, photos, photoMaxBytes, log }: PhotoUploadsOptions) {
  const tooLarge = () => new Refusal(413, UPLOAD_ERROR_CODES.photoTooLarge, uploadMessages.tooLarge(photoMaxBytes))

  /** The bytes are the photo announced: not too big (the limit may have been lowered since), an image of a phone's dimensions, the right SHA-256. */
  async function checkedPhoto(file: string, sha256: string): Promise<InspectedPhoto & { type: NonNullable<InspectedPhoto['type']> }> {
    const found = await inspectPhoto(file)
    if (found.size > photoMaxBytes) throw tooLarge()
    if (!found.type) throw new Refusal(415, UPLOAD_ERROR_CODES.notAnImage, uploadMessages.notAnImage)
    // Refused on what the header declares, before anything decodes it: a picture bigger than a phone sends is a decoding bomb.
    const { dimensions } = found
    if (!dimensions || Math.max(dimensions.width, dimensions.height) > PHOTO_MAX_EDGE || Math.min(dimensions.width, dimensions.height) < 1) {
      throw new Refusal(422, UPLOAD_ERROR_CODES.tooManyPixels, uploadMessages.tooManyPixels(PHOTO_MAX_EDGE))
    }
    if (found.sha256 !== sha256) throw new Refusal(422, UPLOAD_ERROR_CODES.hashMismatch, uploadMessages.hashMismatch)
    return { ...found, type: found.type }
  }

  /**
   * Into the photo store, then received in the database. A finished upload is kept (its file is
   * a hard link to the stored photo, so it costs no space): a phone that lost the answer asks
   * again and hears "complete" instead of sending the photo twice. One that fails its checks is
   * removed, so that it can never look complete.
   */
  async function finish(upload: Upload): Promise<void> {
    const { reportId, photoId, sha256 } = metadataOf(upload)
    const file = path.join(uploadsDir, upload.id)
    try {
      const photo = await checkedPhoto(file, sha256)
      const unitId = await unitOfOwner(db, reportId)
      if (!unitId) throw forbidden(uploadMessages.notYourReport)
      await photos.put(file, photo)
      await recordPhotoBlob(db, photo, unitId)
    } catch (error) {
      await store.remove(upload.id)
      throw error
    }
    const { complete } = await photoProgress(db, reportId)
    log.info({ reportId, photoId, sha256, complete }, 'photo received')
  }

  async function isReceived(upload: Upload): Promise<boolean> {
    const { reportId, photoId } = metadataOf(upload)
    return (await listedPhoto(db, reportId, photoId))?.receivedAt != null
  }

  /** Before anything is stored: the metadata, the size, and a photo of the caller's unit that its report lists. */
  async function checkCreation(unitId: string, upload: Upload): Promise<void> {
    const { reportId, photoId, sha256 } = metadataOf(upload)
    if (upload.size === undefined) throw invalid(uploadMessages.lengthRequired)
    if (upload.size > photoMaxBytes) throw tooLarge()
    if (!(await isUnitReport(db, reportId, unitId))) throw forbidden(uploadMessages.notYourReport)
    const listed = await listedPhoto(db, reportId, photoId)
    if (listed?.sha256 !== sha256 || listed.size !== upload.size) throw new Refusal(409, UPLOAD_ERROR_CODES.photoNotListed, uploadMessages.notListed)
  }

  /**
   * An upload belongs to the unit of its report: another unit's device may neither see nor touch
   * it. tus finds the upload from the whole address, so one with a query string, which could
   * name another upload than `uploadId`, is refused.
   */
  async function checkOwnUpload(unitId: string, uploadId: string, address: string): Promise<void> {
    if (address.includes('?')) throw invalid('An upload address takes no query string')
    // tus answers itself for an upload it does not have.
    const upload = await store.getUpload(uploadId).catch(() => null)
    if (!upload) return
    if (!(await isUnitReport(db, upload.metadata?.reportId ?? '', unitId))) throw forbidden(uploadMessages.otherUnit)
    // Every byte arrived but the endpoint stopped before checking them (killed, power cut):
    // finish now, or the phone, told the upload is complete, would never send the photo again.
    if (upload.size !== undefined && upload.offset === upload.size && !(await isReceived(upload))) await finish(upload).catch(() => undefined)
  }

  return { checkCreation, finish, checkOwnUpload }
}
