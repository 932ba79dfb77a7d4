import { describe, expect, it } from 'vitest'
import type { ErrorResponse } from '../../src/protocol'
import { UPLOADS_PATH } from '../../src/protocol'
import { fieldOf, jpeg, photoOf, pushOne, reportOf } from './field'
import { buildTestApp } from './helper'

/**
 * What one phone may send: requests a minute and photo uploads begun a day, each answered past
 * its limit with a 429 and a Retry-After the phone honours; another phone is not held back. The
 * defaults (3,000 a minute, 20,000 photos a day) are far above what a phone sends; the tests
 * set them low.
 */

describe('a phone past its limits', () => {
  it('is answered 429 with Retry-After past its requests a minute; another phone goes on', async () => {
    const app = await buildTestApp({ DEVICE_REQUESTS_PER_MINUTE: '5' })
    const busy = await fieldOf(app, 'Lý Thị Dua')
    const other = await fieldOf(app, 'Sùng Mí Páo')
    // The first pull above counts; four pushes more reach the limit.
    for (let i = 0; i < 4; i++) expect((await pushOne(app, busy, reportOf(busy))).outcome).toBe('accepted')
    const refused = await app.inject({ method: 'POST', url: '/api/push', headers: busy.headers, payload: { reports: [reportOf(busy)] } })
    expect(refused.statusCode).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect(refused.json<ErrorResponse>().code).toBe('too_many_attempts')
    expect((await pushOne(app, other, reportOf(other))).outcome).toBe('accepted')
  })

  it('is answered 429 past the photo uploads it may begin in a day', async () => {
    const app = await buildTestApp({ DEVICE_PHOTOS_PER_DAY: '2' })
    const field = await fieldOf(app)
    const photos = [1, 2, 3].map((n) => ({ bytes: jpeg(2_000, `ảnh ${n}`) })).map(({ bytes }) => photoOf(bytes))
    const report = reportOf(field, { photos })
    await pushOne(app, field, report)
    const begin = (photo: (typeof photos)[number]) =>
      app.inject({
        method: 'POST',
        url: UPLOADS_PATH,
        headers: {
          ...field.headers,
          'tus-resumable': '1.0.0',
          'upload-length': String(photo.size),
          'upload-metadata': Object.entries({ photoId: photo.id, reportId: report.id, sha256: photo.sha256, filetype: photo.type })
            .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
            .join(','),
        },
      })
    const answers = []
    for (const photo of photos) answers.push(await begin(photo))
    expect(answers.map((answer) => answer.statusCode)).toEqual([201, 201, 429])
    expect(Number(answers[2]?.headers['retry-after'])).toBeGreaterThan(0)
  })
})
