import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DeviceStatus, ErrorResponse, PUSH_LIMITS, PushRequest, PushResponse } from '../../src/protocol'
import { deviceOf } from '../plugins/access'
import { pushReports, recordStatus } from '../services/push'

/** `POST /api/push`: queued reports from a phone, each answered by id once the batch is committed; and the phone's status after an exchange. */
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
      const device = deviceOf(request)
      void reply.header('cache-control', 'no-store')
      return pushReports(app.db, device, request.body)
    },
  )

  app.put(
    '/api/device/status',
    {
      schema: {
        summary: 'What the phone still holds after an exchange: the dashboard shows it as waiting',
        tags: ['sync'],
        security: [{ bearer: [] }],
        body: DeviceStatus,
        response: { 204: { type: 'null' }, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
      preHandler: app.requireDevice,
    },
    async (request, reply) => {
      await recordStatus(app.db, deviceOf(request).deviceId, request.body)
      return reply.code(204).send()
    },
  )
  return Promise.resolve()
}

export default push
