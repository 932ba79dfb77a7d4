import fc from 'fast-check'
import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import type { InjectOptions } from 'fastify'
import { testBloc, type TestBloc } from './managers'
import { onPostgres } from './helper'

/**
 * Every operation in the OpenAPI document, called with generated path parameters, query
 * strings and bodies (the operation's own field names with any JSON values, or any JSON at
 * all) by each kind of caller: the admin, a lead, a phone, nobody. Whatever comes, the answer
 * is never a 5xx, and the database stays whole.
 */

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  bodyFields: string[]
}

type OpenApi = { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>> }

let bloc: TestBloc
let operations: Operation[]
/** Real ids of the bloc, so that generated paths reach past "not found" often. */
let ids: string[]

beforeAll(async () => {
  bloc = await testBloc()
  const document = (await bloc.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<OpenApi>()
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'put', 'delete'].includes(method))
      .map(([method, operation]) => ({
        method: method.toUpperCase() as Operation['method'],
        path,
        bodyFields: Object.keys(operation.requestBody?.content?.['application/json']?.schema?.properties ?? {}),
      })),
  )
  const rows = await Promise.all(
    (['unit', 'member', 'commune', 'covenant', 'commitment', 'report', 'device'] as const).map((table) => bloc.app.db.selectFrom(table).select('id').limit(3).execute()),
  )
  ids = [...rows.flat().map((row) => row.id), bloc.own.photoId]
}, 60_000)

const caller = () => fc.constantFrom<'admin' | 'lead' | 'device' | 'none'>('admin', 'lead', 'device', 'none')
const segment = () => fc.oneof(fc.constantFrom(...ids), fc.uuid(), fc.string({ maxLength: 12 }).map(encodeURIComponent), fc.integer({ min: -5, max: 3000 }).map(String))

function requestOf(operation: Operation) {
  const body = operation.bodyFields.length
    ? fc.oneof(fc.dictionary(fc.constantFrom(...operation.bodyFields), fc.jsonValue({ maxDepth: 2 }), { maxKeys: operation.bodyFields.length }), fc.jsonValue({ maxDepth: 2 }))
    : fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined })
  const params = operation.path.match(/\{[^}]+\}/g) ?? []
  return fc.record({
    who: caller(),
    segments: fc.tuple(...params.map(() => segment())),
    query: fc.dictionary(fc.constantFrom('year', 'unitId', 'asOf', 'cursor', 'limit', 'offset', 'size', 'communeId', 'token'), fc.string({ maxLength: 12 }), { maxKeys: 3 }),
    body,
  })
}

describe('every operation, fuzzed', () => {
  it('never answers 5xx, whoever calls and whatever comes', async () => {
    const headersOf = { admin: bloc.admin, lead: bloc.own.lead, device: bloc.own.field.headers, none: {} }
    expect(operations.length).toBeGreaterThan(50)
    let sent = 0
    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(requestOf(operation), async ({ who, segments, query, body }) => {
          let index = 0
          const url = operation.path.replace(/\{[^}]+\}/g, () => segments[index++] ?? '')
          const request: InjectOptions = { method: operation.method, url, query, headers: headersOf[who] }
          if (operation.method !== 'GET' && body !== undefined) request.payload = body as InjectOptions['payload']
          const response = await bloc.app.inject(request)
          sent += 1
          expect(response.statusCode, `${operation.method} ${url} as ${who}: ${response.body.slice(0, 300)}`).toBeLessThan(500)
        }),
        { numRuns: 100 },
      )
    }
    expect(sent).toBe(operations.length * 100)
  }, 300_000)

  // SQLite's own checks; PostgreSQL checks every key as it writes.
  it.skipIf(onPostgres)('leaves the database whole', async () => {
    expect((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(bloc.app.db)).rows).toEqual([{ integrity_check: 'ok' }])
    expect((await sql`pragma foreign_key_check`.execute(bloc.app.db)).rows).toEqual([])
  })
})
