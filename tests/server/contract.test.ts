import net from 'node:net'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ErrorResponse } from '../../src/protocol'
import { fieldOf, reportOf, type Field } from './field'
import { buildTestApp } from './helper'
import { ADMIN_PASSWORD, logIn } from './managers'

/**
 * The contract is kept as written: in a request body a value of the wrong type is a 400 naming
 * the field, never converted (a number, `true` or an array where a name is expected would
 * otherwise become the name). Query strings and path parameters are text on the wire, and keep
 * their numbers converted.
 */

type App = Awaited<ReturnType<typeof buildTestApp>>
let app: App
let admin: { authorization: string }
let field: Field

beforeAll(async () => {
  app = await buildTestApp({ ADMIN_PASSWORD })
  admin = await logIn(app, 'admin', ADMIN_PASSWORD)
  field = await fieldOf(app)
}, 60_000)

describe('a body of the wrong types', () => {
  it.each([
    ['a number', 42],
    ['true', true],
    ['an array', ['Ban Kinh tế']],
    ['null', null],
  ])('is refused with %s for a name, which is not stored', async (_, name) => {
    const response = await app.inject({ method: 'POST', url: '/api/units', headers: admin, payload: { name, shortName: 'BKT' } })
    expect(response.statusCode).toBe(400)
    expect(response.json<ErrorResponse>().message).toMatch(/name/)
    expect(await app.db.selectFrom('unit').select('id').where('short_name', '=', 'BKT').execute()).toEqual([])
  })

  it('is refused for a number given as text, and for a pushed report whose summary is a number', async () => {
    const members = await app.inject({ method: 'POST', url: '/api/covenants', headers: admin, payload: { year: '2031', slogan: 'Thử' } })
    expect(members.statusCode).toBe(400)
    expect(members.json<ErrorResponse>().message).toMatch(/year/)
    const pushed = await app.inject({ method: 'POST', url: '/api/push', headers: field.headers, payload: { reports: [{ ...reportOf(field), summary: 12345 }] } })
    expect(pushed.statusCode).toBe(400)
    expect(pushed.json<ErrorResponse>().message).toMatch(/summary/)
  })

  it('leaves query strings and paths converted: a year in the address is a number', async () => {
    const year = field.covenant.year
    expect((await app.inject({ method: 'GET', url: `/api/progress?year=${year}`, headers: admin })).statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: `/api/assignments/${year}`, headers: admin })).statusCode).toBe(200)
  })
})

describe('amounts', () => {
  it('are bounded where no real figure reaches: 1e308 is refused, not summed into Infinity', async () => {
    const count = field.commitments.find((item) => item.measure === 'count')
    if (!count) throw new Error('no count commitment')
    for (const amount of [1e308, 1e16, -1]) {
      const report = reportOf(field, { entries: [{ commitmentId: count.id, status: 'done', amount, note: '' }] })
      const response = await app.inject({ method: 'POST', url: '/api/push', headers: field.headers, payload: { reports: [report] } })
      expect(response.statusCode, String(amount)).toBe(400)
      expect(response.json<ErrorResponse>().message).toMatch(/amount/)
    }
    const money = reportOf(field, { entries: [{ commitmentId: count.id, status: 'done', amount: 1_000_000_000_000, note: '' }] })
    const accepted = await app.inject({ method: 'POST', url: '/api/push', headers: field.headers, payload: { reports: [money] } })
    expect(accepted.json<{ results: { outcome: string }[] }>().results[0]?.outcome).toBe('accepted')
  })
})

describe('a request that trickles in', () => {
  it('is cut once the request time is up, headers sent and body never finished', async () => {
    const slow = await buildTestApp({ REQUEST_TIMEOUT_MS: '1000' })
    await slow.listen({ port: 0, host: '127.0.0.1' })
    const address = slow.server.address()
    if (!address || typeof address === 'string') throw new Error('not listening')
    try {
      const socket = net.connect(address.port, '127.0.0.1')
      let answer = ''
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()))
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
      socket.write(`POST /api/push HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"reports":[`)
      // Nothing more is sent: the endpoint, not the client, ends it.
      await closed
      expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true)
    } finally {
      await slow.close()
    }
  }, 20_000)
})
