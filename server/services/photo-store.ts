import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
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

/** What an uploaded file really is: its first bytes for the type, streamed through SHA-256 so memory stays flat. */
export async function inspectPhoto(file: string): Promise<InspectedPhoto> {
  const handle = await fs.open(file, 'r')
  let head: Uint8Array
  let size: number
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(16), 0, 16, 0)
    head = buffer.subarray(0, bytesRead)
    size = (await handle.stat()).size
  } finally {
    await handle.close()
  }
  const hash = createHash('sha256')
  await pipeline(createReadStream(file), hash)
  return { size, type: sniffImageType(head), sha256: hash.digest('hex') }
}

/**
 * Put a checked file into the store under its SHA-256, on disk before the database says it is
 * there. A hard link is atomic, so the store never shows half a photo, and it fails when the
 * store already holds these bytes: then nothing changes.
 */
export async function storePhoto(file: string, photosDir: string, sha256: string): Promise<void> {
  const target = blobPath(photosDir, sha256)
  // A folder made now must reach the disk too, or a power cut could take it and the photo with it.
  const made = await fs.mkdir(path.dirname(target), { recursive: true })
  if (made) {
    await flush(path.dirname(made))
    if (made !== path.dirname(target)) await flush(photosDir)
  }
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
