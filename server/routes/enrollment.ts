import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CreateEnrollmentCodeRequest,
  Device,
  DeviceParams,
  EnrollmentCodeResponse,
  EnrollRequest,
  EnrollResponse,
  ErrorResponse,
  MemberParams,
  RevokedCodes,
} from '../../src/protocol'
import { deviceOf, managerOf } from '../plugins/access'
import { createEnrollmentCode, guardedEnroll, revokeDevice, revokeEnrollmentCodes, signOutDevice } from '../services/enrollment'

export interface EnrollmentOptions {
  /** The address phones open, for enrollment links. */
  publicUrl: string
}

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse }
const meta = { tags: ['enrollment'], security: [{ bearer: [] }] }

/** Codes for members, phones enrolling with them (wrong codes counted: `guardedEnroll`), revoking a phone, and a phone signing out. */
const enrollment: FastifyPluginAsyncTypebox<EnrollmentOptions> = (app, { publicUrl }) => {
  const manager = { preHandler: app.requireManager }
  const enroll = guardedEnroll(app.db)

  app.post(
    '/api/enrollment-codes',
    {
      ...manager,
      schema: { ...meta, summary: 'Create a one-time enrollment code for a member', body: CreateEnrollmentCodeRequest, response: { 201: EnrollmentCodeResponse, ...errors } },
    },
    async (request, reply) =>
      reply.code(201).send(await createEnrollmentCode(app.db, managerOf(request), request.body.memberId, { validHours: request.body.validHours, publicUrl })),
  )

  app.post(
    '/api/members/:memberId/enrollment-codes/revoke',
    {
      ...manager,
      schema: { ...meta, summary: 'Withdraw every code of a member not used yet', params: MemberParams, response: { 200: RevokedCodes, ...errors } },
    },
    async (request) => revokeEnrollmentCodes(app.db, managerOf(request), request.params.memberId),
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
    async (request, reply) => reply.code(201).send(await enroll(request.ip, request.body)),
  )

  app.post(
    '/api/devices/:deviceId/revoke',
    { ...manager, schema: { ...meta, summary: 'Revoke an enrolled phone: its token stops working at once', params: DeviceParams, response: { 200: Device, ...errors } } },
    async (request) => revokeDevice(app.db, managerOf(request), request.params.deviceId),
  )

  app.post(
    '/api/device/sign-out',
    {
      preHandler: app.requireDevice,
      schema: {
        ...meta,
        summary: 'This phone is handed on: its token stops working at once',
        response: { 200: Device, 401: ErrorResponse, 403: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request) => {
      const { member, deviceId } = deviceOf(request)
      return signOutDevice(app.db, member, deviceId)
    },
  )
  return Promise.resolve()
}

export default enrollment
