import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { sniffImageType, type ImageType } from '../../src/domain'

/** Where a received photo lives: `photos/<first two hex>/<sha256>`, so that no folder grows huge. */
export function blobPath(photosDir: string, sha256: string): string {
  return path.join(photosDir, sha256.slice(0, 2), sha256)
}

export interface InspectedPhoto {
  size: number
  /** From the first bytes, whatever the upload claimed; null when not a JPEG, PNG or WebP. */
  type: ImageType | null
  sha256: string
}

/** What an uploaded file really is. Photos are small (PHOTO_MAX_BYTES), so it is read whole. */
export async function inspectPhoto(file: string): Promise<InspectedPhoto> {
  const bytes = await fs.readFile(file)
  return { size: bytes.length, type: sniffImageType(bytes), sha256: createHash('sha256').update(bytes).digest('hex') }
}

/**
 * Put a checked file into the store under its SHA-256, on disk before the database says it is
 * there. A hard link is atomic, so the store never shows half a photo, and it fails when the
 * store already holds these bytes: then nothing changes. The caller removes the upload after.
 */
export async function storePhoto(file: string, photosDir: string, sha256: string): Promise<void> {
  const target = blobPath(photosDir, sha256)
  await fs.mkdir(path.dirname(target), { recursive: true })
  await flush(file)
  try {
    await fs.link(file, target)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return
    throw error
  }
  await flush(path.dirname(target))
}

/** Write a file's (or a folder's) changes through to the disk, as SQLite does with `synchronous=FULL`. */
async function flush(target: string): Promise<void> {
  const handle = await fs.open(target, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
