import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { HealthResponse } from '../../src/protocol/health'

export interface HealthOptions {
  version: string
}

/** `GET /api/health`: 200 when the database answers, 503 when it does not. */
const health: FastifyPluginAsyncTypebox<HealthOptions> = (app, { version }) => {
  app.get(
    '/api/health',
    { schema: { summary: 'Whether the endpoint and its database answer', tags: ['health'], response: { 200: HealthResponse, 503: HealthResponse } } },
    async (_request, reply) => {
      const database = await app.databaseStatus()
      const status = database.status
      reply.header('cache-control', 'no-store')
      return reply.code(status === 'ok' ? 200 : 503).send({ status, version, database })
    },
  )
  return Promise.resolve()
}

export default health
