import { createHash, randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { imageSize, isJpegFrame, sniffImageType, type ImageSize, type ImageType } from '../../src/domain'
import type { PhotoBucket } from './photo-bucket'

/** Where a received photo lives: `photos/<first two hex>/<sha256>`, so that no folder grows huge. */
export function blobPath(photosDir: string, sha256: string): string {
  return path.join(photosDir, sha256.slice(0, 2), sha256)
}

export interface InspectedPhoto {
  size: number
  /** From the first bytes, whatever the upload claimed; null when not a JPEG, PNG or WebP. */
  type: ImageType | null
  /** As the header declares them, read before anything decodes the picture; null when not found. */
  dimensions: ImageSize | null
  sha256: string
}

/**
 * A JPEG's dimensions from its frame header, found by walking the segments in the file (EXIF,
 * ICC profiles and comments may come first, at any length) without reading the picture itself.
 */
async function jpegDimensions(handle: fs.FileHandle, size: number): Promise<ImageSize | null> {
  const marker = Buffer.alloc(9)
  let at = 2
  for (let segments = 0; segments < 10_000 && at + 9 <= size; segments++) {
    await handle.read(marker, 0, 9, at)
    if (marker[0] !== 0xff) return null
    const kind = marker[1] ?? 0
    if (kind === 0xff) {
      at += 1
      continue
    }
    if (isJpegFrame(kind)) return { height: marker.readUInt16BE(5), width: marker.readUInt16BE(7) }
    at += 2 + marker.readUInt16BE(2)
  }
  return null
}

/** A stored JPEG's dimensions, as its header declares them; null when not found. */
export async function jpegDimensionsOf(file: string): Promise<ImageSize | null> {
  const handle = await fs.open(file, 'r')
  try {
    return await jpegDimensions(handle, (await handle.stat()).size)
  } finally {
    await handle.close()
  }
}

/** What an uploaded file really is: its first bytes for the type, its header for the dimensions, streamed through SHA-256 so memory stays flat. */
export async function inspectPhoto(file: string): Promise<InspectedPhoto> {
  const handle = await fs.open(file, 'r')
  let type: ImageType | null
  let dimensions: ImageSize | null
  let size: number
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(32), 0, 32, 0)
    const head = buffer.subarray(0, bytesRead)
    size = (await handle.stat()).size
    type = sniffImageType(head)
    dimensions = type === 'image/jpeg' ? await jpegDimensions(handle, size) : imageSize(head)
  } finally {
    await handle.close()
  }
  const hash = createHash('sha256')
  await pipeline(createReadStream(file), hash)
  return { size, type, dimensions, sha256: hash.digest('hex') }
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
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    // Held already (sent before, by this unit or another): `file` becomes a link to the stored
    // photo, so a finished upload kept to answer "complete" costs no space either.
    const link = `${file}.${randomUUID()}.link`
    await fs.link(target, link)
    await fs.rename(link, file)
    return
  }
  await flush(path.dirname(target))
}

/**
 * The received photos. Files under `dir` by SHA-256 (`ab/<sha256>`); with a bucket
 * (`PHOTO_STORE=s3://…`), objects there too under the same names, and the bucket is the store:
 * every photo is put there before the database says it is held, and the folder keeps a copy of
 * each photo this machine received or served, fetched again (and checked against its hash)
 * when it is missing. Endpoint processes on several machines then share the bucket, not a
 * disk, and the folder may be emptied at any time.
 */
export class PhotoStore {
  constructor(
    readonly dir: string,
    readonly bucket: PhotoBucket | null = null,
  ) {}

  /** A checked file into the store, under its SHA-256. */
  async put(file: string, photo: { sha256: string; type: string }): Promise<void> {
    await storePhoto(file, this.dir, photo.sha256)
    await this.bucket?.put(blobPath(this.dir, photo.sha256), photo.sha256, photo.type)
  }

  /** Bytes held in memory into the store: written in `scratchDir` (on the folder's disk, for the link), then stored as a checked upload is. */
  async putBytes(bytes: Uint8Array, scratchDir: string, photo: { sha256: string; type: string }): Promise<void> {
    await fs.mkdir(scratchDir, { recursive: true })
    const file = path.join(scratchDir, `.bytes-${randomUUID()}`)
    await fs.writeFile(file, bytes)
    try {
      await this.put(file, photo)
    } finally {
      await fs.rm(file, { force: true })
    }
  }

  /**
   * The photo as a file on this machine, fetched from the bucket first when the folder has no
   * copy. A missing photo answers the path all the same: reading it fails as for a lost file.
   */
  async file(sha256: string): Promise<string> {
    const file = blobPath(this.dir, sha256)
    if (!this.bucket) return file
    const held = await fs.access(file).then(
      () => true,
      () => false,
    )
    if (held) return file
    await fs.mkdir(path.dirname(file), { recursive: true })
    const partial = `${file}.${process.pid}.${randomUUID()}.part`
    try {
      if (!(await this.bucket.download(sha256, partial))) return file
      const found = await hashOfFile(partial)
      if (found !== sha256) throw new Error(`${this.bucket.describe(sha256)} does not hold the bytes of its name (SHA-256 ${found})`)
      await fs.rename(partial, file)
      return file
    } finally {
      await fs.rm(partial, { force: true })
    }
  }

  /** The SHA-256 of the bytes the store holds under `sha256` (the bucket's, when there is one), or null when it holds none. */
  async hashOf(sha256: string): Promise<string | null> {
    if (!this.bucket) return hashOfFile(blobPath(this.dir, sha256)).catch(() => null)
    const scratch = path.join(this.dir, `.check-${randomUUID()}`)
    await fs.mkdir(this.dir, { recursive: true })
    try {
      return (await this.bucket.download(sha256, scratch)) ? await hashOfFile(scratch) : null
    } finally {
      await fs.rm(scratch, { force: true })
    }
  }

  /** Bytes no row names any more: out of the folder and the bucket. */
  async remove(sha256: string): Promise<void> {
    await fs.rm(blobPath(this.dir, sha256), { force: true })
    await this.bucket?.remove(sha256)
  }

  close(): void {
    this.bucket?.close()
  }
}

async function hashOfFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(file), hash)
  return hash.digest('hex')
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
