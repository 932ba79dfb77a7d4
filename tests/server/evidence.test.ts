import fs from 'node:fs'
import fsPromises from 'node:fs/promises'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import jpegJs from 'jpeg-js'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { Commitment } from '../../src/domain'
import type { ErrorResponse, GalleryResponse, PullResponse, PushedReport, ReportDetail, ReportsResponse, Review } from '../../src/protocol'
import { Thumbnails } from '../../server/services/thumbnails'
import { isoDay, jpeg, photoOf, pushOne, reportOf, sha256Of } from './field'
import { tempDir } from './helper'
import { receivePhoto, testBloc, type TestBloc } from './managers'
import { PhotoStore } from '../../server/services/photo-store'

/**
 * What the evidence routes show of what the phones sent: report lists and their filters, one
 * report in full, photo bytes and thumbnails, the gallery, and reviews that go back to the phone.
 */

type Headers = { authorization: string }

const year = new Date().getFullYear()
const firstOfYear = `${year}-01-01`

/** A real camera-sized JPEG: a gradient, so that it compresses like a photo and decodes to something. */
function bigJpeg(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4
      data[at] = (x * 255) / width
      data[at + 1] = (y * 255) / height
      data[at + 2] = 128
      data[at + 3] = 255
    }
  }
  return jpegJs.encode({ width, height, data }, 80).data
}

/** A PNG as the store sees one: only its first bytes are ever read. */
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR and the rest of a small picture')])

async function get<T>(bloc: TestBloc, headers: Headers, url: string): Promise<T> {
  const response = await bloc.app.inject({ method: 'GET', url, headers })
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200)
  return response.json<T>()
}

const commitmentAt = (commitments: Commitment[], order: number) => commitments.find((item) => item.order === order) ?? expect.fail(`no commitment ${order}`)

describe('reports and photos', () => {
  let bloc: TestBloc
  /** Ban Dân vận's reports besides the fixture's: one early in the year without a location, one with three photos (two received). */
  let early: PushedReport
  let withPhotos: PushedReport
  let big: Buffer
  const photo = (index: number) => withPhotos.photos[index] ?? expect.fail(`no photo ${index}`)

  beforeAll(async () => {
    bloc = await testBloc()
    const { app, dataDir, own } = bloc
    const [communeA, communeB] = own.field.communes
    expect(own.report.communeId).toBe(communeA?.id)
    early = reportOf(own.field, {
      communeId: communeB?.id ?? '',
      visitDate: firstOfYear,
      location: null,
      entries: [{ commitmentId: commitmentAt(own.field.commitments, 2).id, status: 'in_progress', amount: 40, note: 'Đạt 40%' }],
    })
    expect((await pushOne(app, own.field, early)).outcome).toBe('accepted')
    big = bigJpeg(1200, 900)
    withPhotos = reportOf(own.field, {
      communeId: communeB?.id ?? '',
      summary: 'Khảo sát mô hình nuôi bò, chụp ảnh chuồng trại.',
      entries: [{ commitmentId: commitmentAt(own.field.commitments, 9).id, status: 'in_progress', amount: 1, note: 'Lượt thứ nhất' }],
      photos: [
        photoOf(big, { width: 1200, height: 900, caption: 'Chuồng bò' }),
        photoOf(PNG, { type: 'image/png', caption: 'Sơ đồ' }),
        photoOf(jpeg(900, 'chưa gửi'), { caption: 'Chưa gửi' }),
      ],
    })
    expect((await pushOne(app, own.field, withPhotos)).outcome).toBe('accepted')
    await receivePhoto(app, dataDir, big)
    await receivePhoto(app, dataDir, PNG, 'image/png')
  }, 60_000)

  const photoUrl = (report: PushedReport, photoId: string, size?: 'thumb' | 'full') => `/api/reports/${report.id}/photos/${photoId}${size ? `?size=${size}` : ''}`
  const reports = (headers: Headers, query = '') => get<ReportsResponse>(bloc, headers, `/api/reports${query}`)

  describe('GET /api/reports', () => {
    it('lists the year’s reports newest visit first, with what a list shows', async () => {
      const { total, reports: list } = await reports(bloc.admin)
      expect(total).toBe(4)
      expect(list.map((report) => report.id).sort()).toEqual([bloc.own.report.id, bloc.other.report.id, early.id, withPhotos.id].sort())
      const order = list.map((report) => `${report.visitDate} ${report.committedAt}`)
      expect(order).toEqual([...order].sort().reverse())
      // Of two visits the same day, the one received last comes first.
      const today = list.filter((report) => report.visitDate === isoDay(new Date()) && report.unitId === bloc.own.unitId).map((report) => report.id)
      expect(today.indexOf(withPhotos.id)).toBeLessThan(today.indexOf(bloc.own.report.id))

      const summary = list.find((report) => report.id === withPhotos.id)
      expect(summary).toEqual({
        id: withPhotos.id,
        receiptNumber: expect.stringMatching(/^\d{2}-\d{6}$/) as string,
        unitId: bloc.own.unitId,
        unitName: 'Ban Dân vận Tỉnh ủy',
        communeId: withPhotos.communeId,
        communeName: 'Sủng Thài',
        authorName: 'Lý Thị Dua',
        visitDate: withPhotos.visitDate,
        summary: 'Khảo sát mô hình nuôi bò, chụp ảnh chuồng trại.',
        revision: 1,
        versions: 1,
        committedAt: expect.any(String) as string,
        photoCount: 3,
        photosReceived: 2,
        review: null,
      })
      expect(list.find((report) => report.id === early.id)).toMatchObject({ photoCount: 0, photosReceived: 0 })
    })

    it.each<[string, (bloc: TestBloc) => string, (bloc: TestBloc) => string[]]>([
      ['a unit', ({ own }) => `unitId=${own.unitId}`, ({ own }) => [own.report.id, early.id, withPhotos.id]],
      ['a commune', () => `communeId=${withPhotos.communeId}`, () => [early.id, withPhotos.id]],
      ['a commitment', ({ own }) => `commitmentId=${commitmentAt(own.field.commitments, 2).id}`, () => [early.id]],
      ['a commitment done in both units', ({ own }) => `commitmentId=${commitmentAt(own.field.commitments, 1).id}`, ({ own, other }) => [own.report.id, other.report.id]],
      ['a unit and a commitment', ({ own }) => `unitId=${own.unitId}&commitmentId=${commitmentAt(own.field.commitments, 1).id}`, ({ own }) => [own.report.id]],
      ['another unit’s commune', ({ other }) => `communeId=${other.report.communeId}`, ({ other }) => [other.report.id]],
    ])('finds the reports of %s', async (_, query, expected) => {
      const body = await reports(bloc.admin, `?${query(bloc)}`)
      expect(body.reports.map((report) => report.id).sort()).toEqual(expected(bloc).sort())
      expect(body.total).toBe(expected(bloc).length)
    })

    it('shows a lead their own unit’s reports only', async () => {
      const body = await reports(bloc.own.lead)
      expect(body.total).toBe(3)
      expect(body.reports.every((report) => report.unitId === bloc.own.unitId)).toBe(true)
      expect((await reports(bloc.own.lead, `?communeId=${bloc.other.report.communeId}`)).reports).toEqual([])
    })

    it('pages through the list with offset and limit, the total staying the same', async () => {
      const all = await reports(bloc.admin)
      const pages: ReportsResponse[] = []
      for (const offset of [0, 2, 4]) pages.push(await reports(bloc.admin, `?offset=${offset}&limit=2`))
      expect(pages.map((page) => page.total)).toEqual([4, 4, 4])
      expect(pages.map((page) => page.reports.length)).toEqual([2, 2, 0])
      expect(pages.flatMap((page) => page.reports)).toEqual(all.reports)
    })

    it('answers a year without a covenant empty', async () => {
      expect(await reports(bloc.admin, `?year=${year + 30}`)).toEqual({ total: 0, reports: [] })
    })
  })

  describe('GET /api/reports/:reportId', () => {
    it('answers the report with its entries and their titles, photos, location and reviews', async () => {
      const detail = await get<ReportDetail>(bloc, bloc.admin, `/api/reports/${bloc.own.report.id}`)
      const { commitments } = bloc.own.field
      expect(detail).toMatchObject({
        id: bloc.own.report.id,
        unitName: 'Ban Dân vận Tỉnh ủy',
        communeName: 'Lao Và Chải',
        authorName: 'Lý Thị Dua',
        deviceName: 'Máy thử',
        visitDate: bloc.own.report.visitDate,
        visitTime: '08:30',
        summary: bloc.own.report.summary,
        location: bloc.own.report.location,
        photoCount: 1,
        photosReceived: 1,
        reviews: [],
        review: null,
      })
      expect(detail.entries).toEqual([
        {
          commitmentId: commitmentAt(commitments, 1).id,
          order: 1,
          title: 'Hoàn thành các mục tiêu, nhiệm vụ năm',
          measure: 'done',
          unitLabel: '',
          status: 'done',
          amount: null,
          note: '',
        },
        {
          commitmentId: commitmentAt(commitments, 5).id,
          order: 5,
          title: '"Chung tay vì người nghèo": hộ nghèo được hỗ trợ',
          measure: 'count',
          unitLabel: 'hộ',
          status: 'in_progress',
          amount: 3,
          note: 'Ba hộ nghèo',
        },
      ])
      const [sent] = bloc.own.report.photos
      expect(detail.photos).toEqual([
        {
          id: sent?.id,
          caption: sent?.caption,
          width: 16,
          height: 12,
          size: sent?.size,
          takenAt: sent?.takenAt,
          received: true,
          capturedAt: null,
          capturedLatitude: null,
          capturedLongitude: null,
          flags: { daysBefore: null, metresAway: null, same: [], similar: [] },
        },
      ])
    })

    it('lists photos in order, received or not, and no location when none was taken', async () => {
      const detail = await get<ReportDetail>(bloc, bloc.admin, `/api/reports/${withPhotos.id}`)
      expect(detail.photos.map(({ id, caption, received }) => ({ id, caption, received }))).toEqual([
        { id: photo(0).id, caption: 'Chuồng bò', received: true },
        { id: photo(1).id, caption: 'Sơ đồ', received: true },
        { id: photo(2).id, caption: 'Chưa gửi', received: false },
      ])
      expect(detail.photos[0]).toMatchObject({ width: 1200, height: 900, size: big.length })
      expect((await get<ReportDetail>(bloc, bloc.admin, `/api/reports/${early.id}`)).location).toBeNull()
    })

    it('answers 404 for an unknown report, and for another unit’s to a lead', async () => {
      const unknown = await bloc.app.inject({ method: 'GET', url: `/api/reports/${randomUUID()}`, headers: bloc.admin })
      expect(unknown.statusCode).toBe(404)
      expect(unknown.json<ErrorResponse>().code).toBe('not_found')
      const hidden = await bloc.app.inject({ method: 'GET', url: `/api/reports/${bloc.other.report.id}`, headers: bloc.own.lead })
      expect(hidden.statusCode).toBe(404)
      expect(hidden.body).toBe(unknown.body)
    })
  })

  describe('GET /api/reports/:reportId/photos/:photoId', () => {
    it.each<[string, 'full' | undefined]>([
      ['by default', undefined],
      ['with size=full', 'full'],
    ])('answers the bytes as stored %s', async (_, size) => {
      const response = await bloc.app.inject({ method: 'GET', url: photoUrl(withPhotos, photo(0).id, size), headers: bloc.own.lead })
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe('image/jpeg')
      expect(response.headers['cache-control']).toBe('private, max-age=86400')
      expect(response.headers['x-content-type-options']).toBe('nosniff')
      expect(response.rawPayload.equals(big)).toBe(true)
    })

    it('answers a PNG with its own type, and as it is when a thumbnail is asked', async () => {
      for (const size of [undefined, 'thumb'] as const) {
        const response = await bloc.app.inject({ method: 'GET', url: photoUrl(withPhotos, photo(1).id, size), headers: bloc.admin })
        expect(response.statusCode).toBe(200)
        expect(response.headers['content-type']).toBe('image/png')
        expect(response.rawPayload.equals(PNG)).toBe(true)
      }
    })

    it('makes a thumbnail: a real JPEG of at most 320 px on its long edge, kept under DATA_DIR/thumbs', async () => {
      const response = await bloc.app.inject({ method: 'GET', url: photoUrl(withPhotos, photo(0).id, 'thumb'), headers: bloc.own.lead })
      expect(response.statusCode, response.body).toBe(200)
      expect(response.headers['content-type']).toBe('image/jpeg')
      const decoded = jpegJs.decode(response.rawPayload, { useTArray: true })
      expect([decoded.width, decoded.height]).toEqual([320, 240])
      expect(response.rawPayload.length).toBeLessThan(big.length / 4)
      // Still the picture: the top left is dark in red and green, the bottom right bright.
      const pixel = (x: number, y: number) => Array.from(decoded.data.subarray((y * decoded.width + x) * 4, (y * decoded.width + x) * 4 + 3))
      expect(
        pixel(2, 2)
          .slice(0, 2)
          .every((value) => value < 40),
      ).toBe(true)
      expect(
        pixel(317, 237)
          .slice(0, 2)
          .every((value) => value > 215),
      ).toBe(true)

      const sha256 = sha256Of(big)
      const cached = path.join(bloc.dataDir, 'thumbs', sha256.slice(0, 2), `${sha256}.jpg`)
      expect(fs.readFileSync(cached).equals(response.rawPayload)).toBe(true)
      expect(fs.readdirSync(path.dirname(cached))).toEqual([`${sha256}.jpg`])
      // Asked again, it comes from the cache and is not made anew.
      const marker = jpeg(700, 'từ bộ nhớ đệm')
      fs.writeFileSync(cached, marker)
      const again = await bloc.app.inject({ method: 'GET', url: photoUrl(withPhotos, photo(0).id, 'thumb'), headers: bloc.admin })
      expect(again.rawPayload.equals(marker)).toBe(true)
    })

    it('keeps a small photo’s size in its thumbnail', async () => {
      const response = await bloc.app.inject({ method: 'GET', url: photoUrl(bloc.own.report, bloc.own.photoId, 'thumb'), headers: bloc.admin })
      expect(response.statusCode).toBe(200)
      const decoded = jpegJs.decode(response.rawPayload, { useTArray: true })
      expect([decoded.width, decoded.height]).toEqual([16, 12])
    })

    it('serves a photo no bigger than a thumbnail as its own, and makes no file of it', async () => {
      const url = photoUrl(bloc.other.report, bloc.other.photoId, 'thumb')
      const responses = await Promise.all(Array.from({ length: 4 }, () => bloc.app.inject({ method: 'GET', url, headers: bloc.admin })))
      expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200, 200])
      const sha256 = bloc.other.report.photos[0]?.sha256 ?? ''
      for (const response of responses) expect(sha256Of(response.rawPayload)).toBe(sha256)
      expect(fs.existsSync(path.join(bloc.dataDir, 'thumbs', sha256.slice(0, 2)))).toBe(false)
    })

    it('makes a thumbnail asked for several times at once, as a gallery showing one photo twice does', async () => {
      // Straight to the maker, with every write done before the first file is moved in: requests
      // through inject, and the disk, rarely line up so.
      const sha256 = bloc.own.report.photos[0]?.sha256 ?? ''
      const calls = 4
      const rename = fsPromises.rename.bind(fsPromises)
      let waiting = 0
      let release = () => {}
      const allWritten = new Promise<void>((resolve) => (release = resolve))
      const spy = vi.spyOn(fsPromises, 'rename').mockImplementation(async (from, to) => {
        if (++waiting === calls) release()
        await allWritten
        return rename(from, to)
      })
      const thumbnails = new Thumbnails(bloc.app.db, new PhotoStore(path.join(bloc.dataDir, 'photos')), tempDir())
      try {
        const files = await Promise.all(Array.from({ length: calls }, () => thumbnails.fileFor(sha256)))
        expect(new Set(files).size).toBe(1)
        const decoded = jpegJs.decode(fs.readFileSync(files[0] ?? ''), { useTArray: true })
        expect([decoded.width, decoded.height]).toEqual([16, 12])
        expect(fs.readdirSync(path.dirname(files[0] ?? ''))).toEqual([`${sha256}.jpg`])
      } finally {
        spy.mockRestore()
        await thumbnails.close()
      }
    })

    it('answers 404 for a photo not received yet, and for an unknown one', async () => {
      for (const url of [photoUrl(withPhotos, photo(2).id), photoUrl(withPhotos, photo(2).id, 'thumb'), photoUrl(withPhotos, randomUUID()), photoUrl(early, photo(0).id)]) {
        const response = await bloc.app.inject({ method: 'GET', url, headers: bloc.admin })
        expect(response.statusCode, url).toBe(404)
        expect(response.json<ErrorResponse>().code).toBe('not_found')
      }
    })
  })

  describe('GET /api/gallery', () => {
    it('lists the received photos only, newest visit first', async () => {
      const body = await get<GalleryResponse>(bloc, bloc.admin, '/api/gallery')
      expect(body.total).toBe(4)
      expect(body.photos.map((item) => item.photoId).sort()).toEqual([bloc.own.photoId, bloc.other.photoId, photo(0).id, photo(1).id].sort())
      const days = body.photos.map((item) => item.visitDate)
      expect(days).toEqual([...days].sort().reverse())
      expect(body.photos.find((item) => item.photoId === photo(0).id)).toEqual({
        reportId: withPhotos.id,
        photoId: photo(0).id,
        caption: 'Chuồng bò',
        takenAt: photo(0).takenAt,
        visitDate: withPhotos.visitDate,
        communeName: 'Sủng Thài',
        unitName: 'Ban Dân vận Tỉnh ủy',
      })
      // A photo in the list is one the photo route serves.
      for (const item of body.photos) {
        expect((await bloc.app.inject({ method: 'GET', url: `/api/reports/${item.reportId}/photos/${item.photoId}`, headers: bloc.admin })).statusCode).toBe(200)
      }
    })

    it('lists one unit’s or one commune’s photos, a page at a time; a lead sees their unit’s', async () => {
      const own = await get<GalleryResponse>(bloc, bloc.admin, `/api/gallery?unitId=${bloc.own.unitId}`)
      expect(own.photos.map((item) => item.photoId).sort()).toEqual([bloc.own.photoId, photo(0).id, photo(1).id].sort())
      expect(await get<GalleryResponse>(bloc, bloc.own.lead, '/api/gallery')).toEqual(own)
      const commune = await get<GalleryResponse>(bloc, bloc.admin, `/api/gallery?communeId=${withPhotos.communeId}`)
      expect(commune.photos.map((item) => item.photoId)).toEqual([photo(0).id, photo(1).id])
      const pages = [await get<GalleryResponse>(bloc, bloc.admin, '/api/gallery?limit=3'), await get<GalleryResponse>(bloc, bloc.admin, '/api/gallery?limit=3&offset=3')]
      expect(pages.map((page) => [page.total, page.photos.length])).toEqual([
        [4, 3],
        [4, 1],
      ])
      expect(pages.flatMap((page) => page.photos)).toEqual((await get<GalleryResponse>(bloc, bloc.admin, '/api/gallery')).photos)
    })
  })
})

describe('a photo whose bytes are not of the type its report said', () => {
  it('is served with the type of its bytes, and not made into a thumbnail', async () => {
    const bloc = await testBloc()
    const png = Buffer.concat([PNG, Buffer.from(' declared as a JPEG')])
    const report = reportOf(bloc.own.field, { photos: [photoOf(png, { type: 'image/jpeg' })] })
    expect((await pushOne(bloc.app, bloc.own.field, report)).outcome).toBe('accepted')
    await receivePhoto(bloc.app, bloc.dataDir, png, 'image/png')
    for (const size of ['full', 'thumb']) {
      const response = await bloc.app.inject({ method: 'GET', url: `/api/reports/${report.id}/photos/${report.photos[0]?.id ?? ''}?size=${size}`, headers: bloc.admin })
      expect(response.statusCode, response.body).toBe(200)
      expect(response.headers['content-type']).toBe('image/png')
      expect(response.rawPayload.equals(png)).toBe(true)
    }
  }, 60_000)
})

describe('a JPEG that cannot be decoded', () => {
  it('is served as it is when a thumbnail is asked for', async () => {
    const bloc = await testBloc()
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('không phải dữ liệu ảnh '.repeat(50))])
    const report = reportOf(bloc.own.field, { photos: [photoOf(broken)] })
    expect((await pushOne(bloc.app, bloc.own.field, report)).outcome).toBe('accepted')
    await receivePhoto(bloc.app, bloc.dataDir, broken)
    const response = await bloc.app.inject({ method: 'GET', url: `/api/reports/${report.id}/photos/${report.photos[0]?.id ?? ''}?size=thumb`, headers: bloc.admin })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.rawPayload.equals(broken)).toBe(true)
  }, 60_000)
})

describe('POST /api/reports/:reportId/reviews', () => {
  let bloc: TestBloc

  beforeAll(async () => {
    bloc = await testBloc()
  }, 60_000)

  const review = (headers: Headers, reportId: string, body: { status: 'accepted' | 'needs_more'; comment: string; revision: number }) =>
    bloc.app.inject({ method: 'POST', url: `/api/reports/${reportId}/reviews`, headers, payload: body })
  const pull = async (cursor = 0) => (await bloc.app.inject({ method: 'GET', url: `/api/pull?cursor=${cursor}`, headers: bloc.own.field.headers })).json<PullResponse>()
  const summaryOf = async (reportId: string) =>
    (await get<ReportsResponse>(bloc, bloc.admin, '/api/reports')).reports.find((report) => report.id === reportId) ?? expect.fail('not listed')
  /** A fresh report of Ban Dân vận's, so that each test reviews its own. */
  async function fresh(): Promise<PushedReport> {
    const report = reportOf(bloc.own.field)
    expect((await pushOne(bloc.app, bloc.own.field, report)).outcome).toBe('accepted')
    return report
  }

  it.each([
    ['no comment', ''],
    ['a blank comment', '   \n'],
  ])('refuses “needs more” with %s', async (_, comment) => {
    const report = await fresh()
    const response = await review(bloc.own.lead, report.id, { status: 'needs_more', comment, revision: 1 })
    expect(response.statusCode).toBe(400)
    expect(response.json<ErrorResponse>()).toMatchObject({ code: 'invalid', problems: [{ field: 'comment', rule: 'required' }] })
    expect((await get<ReportDetail>(bloc, bloc.admin, `/api/reports/${report.id}`)).reviews).toEqual([])
  })

  it('refuses a review of a revision other than the one held', async () => {
    const report = await fresh()
    for (const revision of [2, 3]) {
      const response = await review(bloc.admin, report.id, { status: 'accepted', comment: '', revision })
      expect(response.statusCode).toBe(409)
      expect(response.json<ErrorResponse>().code).toBe('conflict')
    }
    expect((await review(bloc.admin, randomUUID(), { status: 'accepted', comment: '', revision: 1 })).statusCode).toBe(404)
  })

  it('accepts a report: the review is kept, listed, and reaches the author’s phone with its next pull', async () => {
    const report = await fresh()
    const { cursor } = await pull()
    const response = await review(bloc.own.lead, report.id, { status: 'accepted', comment: '  Tốt  ', revision: 1 })
    expect(response.statusCode, response.body).toBe(201)
    const made = response.json<Review>()
    expect(made).toEqual({
      id: expect.any(String) as string,
      reportId: report.id,
      revision: 1,
      status: 'accepted',
      comment: 'Tốt',
      reviewerId: bloc.own.leadId,
      reviewerName: 'Phạm Thị Lan',
      at: expect.any(String) as string,
    })

    expect((await get<ReportDetail>(bloc, bloc.admin, `/api/reports/${report.id}`)).reviews).toEqual([made])
    expect((await summaryOf(report.id)).review).toEqual({ status: 'accepted', comment: 'Tốt', reviewerName: 'Phạm Thị Lan', at: made.at, answered: false })
    const pulled = await pull(cursor)
    expect(pulled.full).toBe(false)
    expect(pulled.reviews).toEqual([made])
    expect((await pull(pulled.cursor)).reviews).toEqual([])
    // Another unit's phone hears nothing of it.
    const otherPull = (await bloc.app.inject({ method: 'GET', url: '/api/pull', headers: bloc.other.field.headers })).json<PullResponse>()
    expect(otherPull.reviews.map((item) => item.reportId)).not.toContain(report.id)
  })

  it('asks for more; a newer revision from the phone answers it, and is reviewed in turn', async () => {
    const report = await fresh()
    const { cursor } = await pull()
    const asked = await review(bloc.admin, report.id, { status: 'needs_more', comment: 'Bổ sung ảnh hộ được hỗ trợ', revision: 1 })
    expect(asked.statusCode, asked.body).toBe(201)
    const needsMore = asked.json<Review>()
    expect((await summaryOf(report.id)).review).toMatchObject({ status: 'needs_more', comment: 'Bổ sung ảnh hộ được hỗ trợ', answered: false })
    expect((await pull(cursor)).reviews).toEqual([needsMore])

    const revised = { ...report, revision: 2, summary: `${report.summary} Đã bổ sung.`, updatedAt: new Date().toISOString() }
    expect((await pushOne(bloc.app, bloc.own.field, revised)).outcome).toBe('accepted')
    expect((await summaryOf(report.id)).review).toMatchObject({ status: 'needs_more', answered: true })
    expect((await summaryOf(report.id)).revision).toBe(2)

    expect((await review(bloc.own.lead, report.id, { status: 'accepted', comment: '', revision: 1 })).statusCode).toBe(409)
    const accepted = (await review(bloc.own.lead, report.id, { status: 'accepted', comment: '', revision: 2 })).json<Review>()
    expect((await summaryOf(report.id)).review).toMatchObject({ status: 'accepted', answered: false })
    expect((await get<ReportDetail>(bloc, bloc.admin, `/api/reports/${report.id}`)).reviews).toEqual([needsMore, accepted])
    // A phone that missed both hears only the latest.
    expect((await pull(cursor)).reviews).toEqual([accepted])
  })

  it('a report its cadre corrects after acceptance, while the year is open, counts as a new version sent and awaits review again', async () => {
    const report = await fresh()
    const saves = 7
    await review(bloc.own.lead, report.id, { status: 'accepted', comment: '', revision: 1 })
    const corrected = { ...report, revision: 1 + saves, summary: `${report.summary} Sửa số hộ.`, updatedAt: new Date().toISOString() }
    expect((await pushOne(bloc.app, bloc.own.field, corrected)).outcome).toBe('accepted')
    const summary = await summaryOf(report.id)
    expect(summary).toMatchObject({ revision: 1 + saves, versions: 2, review: { status: 'accepted', answered: true } })
    const detail = await get<ReportDetail>(bloc, bloc.admin, `/api/reports/${report.id}`)
    expect(detail.versions).toBe(2)
    expect(detail.revisions.map((item) => item.revision)).toEqual([1, 1 + saves])
  })
})
