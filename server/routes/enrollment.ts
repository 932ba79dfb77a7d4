import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CreateEnrollmentCodeRequest,
  Device,
  DeviceParams,
  EnrollmentCodeResponse,
  EnrollRequest,
  EnrollResponse,
  ERROR_CODES,
  ErrorResponse,
} from '../../src/protocol'
import { AccessError, createEnrollmentCode, enroll, revokeDevice } from '../services/access'
import { FailureLimiter } from '../services/failures'
import { audit } from '../services/audit'
import { managerOf } from '../plugins/access'

export interface EnrollmentOptions {
  /** The address phones open, for enrollment links. */
  publicUrl: string
}

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse }

/** Codes for members, phones enrolling with them, and revoking a phone. */
const enrollment: FastifyPluginAsyncTypebox<EnrollmentOptions> = (app, { publicUrl }) => {
  // Twenty wrong codes from one address in an hour, then wait: 50-bit codes cannot be guessed that way.
  const failures = new FailureLimiter(20, 60 * 60 * 1000)

  app.post(
    '/api/enrollment-codes',
    {
      schema: {
        summary: 'Create a one-time enrollment code for a member',
        tags: ['enrollment'],
        security: [{ bearer: [] }],
        body: CreateEnrollmentCodeRequest,
        response: { 201: EnrollmentCodeResponse, ...errors },
      },
      preHandler: app.requireManager,
    },
    async (request, reply) => {
      const manager = managerOf(request)
      const created = await createEnrollmentCode(app.db, manager, request.body.memberId, { validHours: request.body.validHours, publicUrl })
      await audit(app.db, manager, 'enrollment.create', created.unitId, { member: created.memberName, expiresAt: created.expiresAt })
      return reply.code(201).send({ code: created.code, expiresAt: created.expiresAt, link: created.link, memberId: created.memberId })
    },
  )

  app.post(
    '/api/enroll',
    {
      schema: {
        summary: 'Enroll this phone with a code; answers its device token',
        tags: ['enrollment'],
        body: EnrollRequest,
        response: { 201: EnrollResponse, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 410: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      const wait = failures.retryAfter(request.ip)
      if (wait > 0) {
        void reply.header('retry-after', String(wait))
        throw new AccessError(429, ERROR_CODES.tooManyAttempts, `Too many wrong codes; try again in ${Math.ceil(wait / 60)} minutes`)
      }
      failures.count(request.ip)
      const enrolled = await enroll(app.db, request.body)
      failures.succeed(request.ip)
      return reply.code(201).send(enrolled)
    },
  )

  app.post(
    '/api/devices/:deviceId/revoke',
    {
      schema: {
        summary: 'Revoke an enrolled phone: its token stops working at once',
        tags: ['enrollment'],
        security: [{ bearer: [] }],
        params: DeviceParams,
        response: { 200: Device, ...errors },
      },
      preHandler: app.requireManager,
    },
    async (request) => {
      const manager = managerOf(request)
      const { device, unitId, memberName } = await revokeDevice(app.db, manager, request.params.deviceId)
      await audit(app.db, manager, 'device.revoke', unitId, { device: device.name, member: memberName })
      return device
    },
  )
  return Promise.resolve()
}

export default enrollment
