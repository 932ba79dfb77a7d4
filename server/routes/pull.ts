import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorResponse, PullQuery, PullResponse } from '../../src/protocol'
import { deviceOf } from '../plugins/access'
import { pullFor } from '../services/reference'
import { UnitTallies } from '../services/tallies'

export interface PullOptions {
  /** UNIT_FIGURES_MAX_AGE_MS */
  figuresMaxAgeMs: number
}

/** `GET /api/pull`: the reference data of the device's unit changed since a cursor. */
const pull: FastifyPluginAsyncTypebox<PullOptions> = (app, { figuresMaxAgeMs }) => {
  const tallies = new UnitTallies(app.db, figuresMaxAgeMs)
  app.get(
    '/api/pull',
    {
      schema: {
        summary: 'Reference data for this device’s unit, changed since the cursor',
        tags: ['sync'],
        security: [{ bearer: [] }],
        querystring: PullQuery,
        response: { 200: PullResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
      preHandler: app.requireDevice,
    },
    async (request, reply) => {
      const { member } = deviceOf(request)
      void reply.header('cache-control', 'no-store')
      return pullFor(app.db, tallies, member.id, request.query.cursor ?? 0)
    },
  )
  return Promise.resolve()
}

export default pull
