import fs from 'node:fs/promises'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema'
import { blobPath, jpegDimensionsOf, type PhotoStore } from './photo-store'

const exists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false,
  )

/** The worker could not decode the photo: damaged, or bigger than its bound. */
class UndecodablePhoto extends Error {
  override name = 'UndecodablePhoto'
}

type Job = { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }

async function isThumbnailSized(file: string): Promise<boolean> {
  if ((await fs.stat(file)).size > THUMBNAIL.ownBytes) return false
  const dimensions = await jpegDimensionsOf(file)
  return dimensions !== null && Math.max(dimensions.width, dimensions.height) <= THUMBNAIL.edge
}

/**
 * The long edge of a dashboard thumbnail, as on the phone, and its JPEG quality. A JPEG no
 * longer than that and of at most `ownBytes` costs no more than its thumbnail would: it is
 * served as its own.
 */
export const THUMBNAIL = { edge: 320, quality: 75, ownBytes: 48 * 1024 } as const

/**
 * Thumbnails of received JPEG photos, made once in a worker thread and kept beside the store
 * (`thumbs/ab/<sha256>.jpg`): a gallery of fifty photos then costs the dashboard kilobytes, not
 * megabytes, and the phones' requests never wait behind an image decoder.
 */
export class Thumbnails {
  private worker: Worker | null = null
  private readonly jobs = new Map<number, Job>()
  private nextId = 0

  constructor(
    private readonly db: Kysely<Database>,
    private readonly photos: PhotoStore,
    private readonly thumbsDir: string,
  ) {}

  /**
   * The file to serve for a received photo: its thumbnail when one is asked for and can be made
   * (a JPEG that decodes, bigger than a thumbnail), else the photo itself, with its real type.
   */
  async served(photo: { sha256: string; type: string }, thumb: boolean, onFailure: (error: unknown) => void): Promise<{ file: string; type: string }> {
    const original = await this.photos.file(photo.sha256)
    if (thumb && photo.type === 'image/jpeg' && !(await isThumbnailSized(original))) {
      try {
        return { file: await this.fileFor(photo.sha256), type: 'image/jpeg' }
      } catch (error) {
        onFailure(error)
      }
    }
    return { file: original, type: photo.type }
  }

  /**
   * The thumbnail's file, made now if it is not there yet. A photo that cannot be made into one
   * (damaged, or too big to decode within the worker's bound) is marked in the database, for
   * every endpoint process, and never tried again: the next request fails at once.
   */
  async fileFor(sha256: string): Promise<string> {
    const target = `${blobPath(this.thumbsDir, sha256)}.jpg`
    if (await exists(target)) return target
    const known = await this.db.selectFrom('photo_blob').select('thumbnail_error').where('sha256', '=', sha256).executeTakeFirst()
    if (known?.thumbnail_error) throw new Error(`no thumbnail can be made of ${sha256}: ${known.thumbnail_error}`)
    let made: Uint8Array
    try {
      made = await this.make(await fs.readFile(await this.photos.file(sha256)))
    } catch (error) {
      // Only the picture's own fault is remembered; a worker that stopped is tried again next time.
      if (error instanceof UndecodablePhoto) await this.db.updateTable('photo_blob').set({ thumbnail_error: error.message }).where('sha256', '=', sha256).execute()
      throw error
    }
    await fs.mkdir(path.dirname(target), { recursive: true })
    // Written aside, then renamed: a thumbnail is whole or absent, and can always be made again.
    // Each call takes its own number: calls for the same photo at once must not share a file.
    const partial = `${target}.${process.pid}.${this.nextId++}.part`
    await fs.writeFile(partial, made)
    await fs.rename(partial, target)
    return target
  }

  private make(bytes: Uint8Array): Promise<Uint8Array> {
    const id = this.nextId++
    return new Promise<Uint8Array>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject })
      this.start().postMessage({ id, bytes, ...THUMBNAIL })
    })
  }

  private start(): Worker {
    if (this.worker) return this.worker
    const worker = new Worker(new URL('./thumbnail-worker.mjs', import.meta.url))
    worker.on('message', ({ id, bytes, error }: { id: number; bytes?: Uint8Array; error?: string }) => {
      const job = this.jobs.get(id)
      this.jobs.delete(id)
      if (bytes) job?.resolve(bytes)
      else job?.reject(new UndecodablePhoto(`thumbnail failed: ${error ?? 'unknown'}`))
    })
    worker.on('error', (error) => this.fail(error))
    worker.on('exit', () => {
      this.worker = null
      this.fail(new Error('the thumbnail worker stopped'))
    })
    worker.unref()
    this.worker = worker
    return worker
  }

  private fail(error: Error): void {
    for (const job of this.jobs.values()) job.reject(error)
    this.jobs.clear()
  }

  async close(): Promise<void> {
    await this.worker?.terminate()
  }
}
