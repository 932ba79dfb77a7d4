import { createReadStream } from 'node:fs'
import fs from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type * as S3 from '@aws-sdk/client-s3'

/**
 * Photos in an S3-compatible bucket (`PHOTO_STORE=s3://bucket/prefix`): AWS S3, MinIO, Garage,
 * Ceph and the like, through the AWS SDK. Objects are named as files are in the folder store
 * (`<prefix>/ab/<sha256>`) and never change: a name is its bytes' hash. The SDK is loaded only
 * when a bucket is configured.
 */
export interface BucketSettings {
  /** `s3://bucket` or `s3://bucket/prefix`. */
  url: string
  /** The S3 API's address (MinIO's, say); AWS's own when unset. */
  endpoint: string | undefined
  region: string
  /** Name buckets in the path (`https://host/bucket/key`), as MinIO and most servers but AWS want. */
  forcePathStyle: boolean
}

export class PhotoBucket {
  private constructor(
    private readonly client: S3.S3Client,
    private readonly sdk: typeof S3,
    readonly bucket: string,
    private readonly prefix: string,
  ) {}

  static async open(settings: BucketSettings): Promise<PhotoBucket> {
    const { bucket, prefix } = parseBucketUrl(settings.url)
    const sdk = await import('@aws-sdk/client-s3')
    const client = new sdk.S3Client({
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      ...(settings.endpoint && { endpoint: settings.endpoint }),
      // A checksum only where the operation needs one: the SDK's default (aws-chunked bodies with
      // trailing checksums) is refused by several S3-compatible servers. The photo's own SHA-256,
      // checked before it is stored and in its name, is the check that matters.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    })
    // Asked once as the endpoint starts: a bucket that is missing or out of reach stops the start with the reason, not the first upload.
    try {
      await client.send(new sdk.HeadBucketCommand({ Bucket: bucket }))
    } catch (error) {
      client.destroy()
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
      throw new Error(`PHOTO_STORE=${settings.url}: the bucket ${bucket} cannot be reached (${status ?? (error as Error).message}); create it, or check S3_ENDPOINT and the keys`)
    }
    return new PhotoBucket(client, sdk, bucket, prefix)
  }

  private key(sha256: string): string {
    return `${this.prefix}${sha256.slice(0, 2)}/${sha256}`
  }

  /** Where an object is, for messages. */
  describe(sha256: string): string {
    return `s3://${this.bucket}/${this.key(sha256)}`
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await this.client.send(new this.sdk.HeadObjectCommand({ Bucket: this.bucket, Key: this.key(sha256) }))
      return true
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false
      throw error
    }
  }

  /** Put a checked file under its hash, unless the bucket holds those bytes already. */
  async put(file: string, sha256: string, type: string): Promise<void> {
    if (await this.has(sha256)) return
    const { size } = await fs.stat(file)
    await this.client.send(new this.sdk.PutObjectCommand({ Bucket: this.bucket, Key: this.key(sha256), Body: createReadStream(file), ContentLength: size, ContentType: type }))
  }

  /** The object's bytes into `file`; false when the bucket has no such object. */
  async download(sha256: string, file: string): Promise<boolean> {
    const handle = await fs.open(file, 'w')
    try {
      const answer = await this.client.send(new this.sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.key(sha256) }))
      await pipeline(answer.Body as Readable, handle.createWriteStream())
      return true
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return false
      throw error
    } finally {
      await handle.close().catch(() => undefined)
    }
  }

  async remove(sha256: string): Promise<void> {
    await this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(sha256) }))
  }

  close(): void {
    this.client.destroy()
  }
}

/** `s3://bucket/some/prefix` → the bucket and `some/prefix/`. */
export function parseBucketUrl(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url)
  if (!match?.[1]) throw new Error(`PHOTO_STORE=${url} is not an s3://bucket/prefix address`)
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '')
  return { bucket: match[1], prefix: prefix ? `${prefix}/` : '' }
}
