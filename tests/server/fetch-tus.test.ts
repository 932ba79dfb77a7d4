import { beforeAll, describe, expect, it } from 'vitest'
import { Upload } from 'tus-js-client'
import { UPLOADS_PATH } from '../../src/protocol/constants'
import { FetchHttpStack } from '../../src/sync/fetch-stack'
import { jpeg, photoOf, pushOne, reportOf } from './field'
import { testBloc, type TestBloc } from './managers'

// The service worker sends photos by tus over fetch (it has no XMLHttpRequest): the same
// protocol against the real endpoint over real HTTP, chunk by chunk, resumed after a cut.
let bloc: TestBloc
let base = ''

beforeAll(async () => {
  bloc = await testBloc()
  await bloc.app.listen({ port: 0, host: '127.0.0.1' })
  const address = bloc.app.server.address()
  if (!address || typeof address === 'string') throw new Error('not listening')
  base = `http://127.0.0.1:${address.port}`
}, 60_000)

interface Sent {
  url: string | null
  chunks: number
}

/** Upload by tus-js-client over FetchHttpStack; `stopAfter` chunks, the upload is cut, as a lost network would. */
function upload(bytes: Buffer, metadata: Record<string, string>, options: { url?: string | null; stopAfter?: number } = {}): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const sent: Sent = { url: options.url ?? null, chunks: 0 }
    // Node's tus-js-client reads a Buffer; the service worker's, a Blob.
    const tus = new Upload(bytes, {
      endpoint: `${base}${UPLOADS_PATH}`,
      ...(options.url ? { uploadUrl: options.url } : {}),
      chunkSize: 4 * 1024,
      retryDelays: [],
      metadata,
      headers: bloc.own.field.headers,
      storeFingerprintForResuming: false,
      httpStack: new FetchHttpStack(),
      onUploadUrlAvailable: () => (sent.url = tus.url),
      onChunkComplete: () => {
        sent.chunks += 1
        if (options.stopAfter !== undefined && sent.chunks >= options.stopAfter) void tus.abort(false).then(() => resolve(sent))
      },
      onSuccess: () => resolve(sent),
      onError: reject,
    })
    tus.start()
  })
}

describe('tus over fetch', () => {
  it('sends a photo in chunks to the real endpoint, resumes where it stands after a cut, and the photo is received once', async () => {
    const { app, own } = bloc
    const bytes = jpeg(20_000, 'gửi từ service worker')
    const photo = photoOf(bytes)
    const report = reportOf(own.field, { photos: [photo] })
    expect(await pushOne(app, own.field, report)).toMatchObject({ outcome: 'accepted', missingPhotos: [photo.id] })
    const metadata = { photoId: photo.id, reportId: report.id, sha256: photo.sha256, filetype: photo.type }

    const cut = await upload(bytes, metadata, { stopAfter: 2 })
    expect(cut.url).toMatch(/\/api\/uploads\//)
    const received = () => app.db.selectFrom('photo').select('received_at').where('id', '=', photo.id).executeTakeFirstOrThrow()
    expect((await received()).received_at).toBeNull()

    const resumed = await upload(bytes, metadata, { url: cut.url })
    // Only what the endpoint lacked went again.
    expect(resumed.chunks).toBe(Math.ceil(bytes.length / 4096) - 2)
    expect((await received()).received_at).not.toBeNull()
    expect(await pushOne(app, own.field, report)).toMatchObject({ outcome: 'duplicate', missingPhotos: [] })
  })
})
