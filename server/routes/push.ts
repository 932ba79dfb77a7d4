import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ERROR_CODES, ErrorResponse, PUSH_LIMITS, PushRequest, PushResponse } from '../../src/protocol'
import { AccessError } from '../services/access'
import { pushReports } from '../services/reports'

/** `POST /api/push`: queued reports from a phone, each answered by id once the batch is committed. */
const push: FastifyPluginAsyncTypebox = (app) => {
  app.post(
    '/api/push',
    {
      bodyLimit: PUSH_LIMITS.bytes,
      schema: {
        summary: 'Send queued reports; each is accepted, a duplicate, a conflict or rejected, and lists the photos to upload',
        tags: ['sync'],
        security: [{ bearer: [] }],
        body: PushRequest,
        response: { 200: PushResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 413: ErrorResponse },
      },
      preHandler: app.requireDevice,
    },
    async (request, reply) => {
      if (request.caller?.kind !== 'device') throw new AccessError(401, ERROR_CODES.unauthorized, 'Enroll this device first')
      void reply.header('cache-control', 'no-store')
      return pushReports(app.db, request.caller, request.body)
    },
  )
  return Promise.resolve()
}

export default push
