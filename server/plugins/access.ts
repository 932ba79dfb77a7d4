import { STATUS_CODES } from 'node:http'
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Member } from '../../src/domain'
import { ERROR_CODES, ErrorResponse } from '../../src/protocol'
import { AccessError, identify, type Caller } from '../services/access'

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null
  }
  interface FastifyInstance {
    /** preHandler: an enrolled, unrevoked device. */
    requireDevice: (this: void, request: FastifyRequest) => Promise<void>
    /** preHandler: a signed-in lead or admin. */
    requireManager: (this: void, request: FastifyRequest) => Promise<void>
  }
}

/** The signed-in lead or admin of a route behind `requireManager`. */
export function managerOf(request: FastifyRequest): Member {
  if (request.caller?.kind !== 'session') throw new AccessError(401, ERROR_CODES.unauthorized, 'Log in first')
  return request.caller.member
}

/** The answers every dashboard route may give besides its own. */
export const managerErrors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse } as const

const bearer = (request: FastifyRequest) => /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1]

/** Who is calling, and the refusals every route shares: 401 without a good token, 403 for the wrong role. */
export default fp(
  (app) => {
    app.decorateRequest('caller', null)

    app.decorate('requireDevice', async (request: FastifyRequest) => {
      const caller = await identify(app.db, bearer(request))
      if (caller.kind !== 'device') throw new AccessError(403, ERROR_CODES.forbidden, 'This route is for enrolled devices')
      request.caller = caller
    })
    app.decorate('requireManager', async (request: FastifyRequest) => {
      const caller = await identify(app.db, bearer(request))
      if (caller.kind !== 'session' || caller.member.role === 'cadre') {
        throw new AccessError(403, ERROR_CODES.forbidden, 'Only a unit lead or the bloc admin may do this')
      }
      request.caller = caller
    })

    app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply: FastifyReply) => {
      if (error instanceof AccessError) {
        const body: ErrorResponse = { statusCode: error.statusCode, error: reasonOf(error.statusCode), message: error.message, code: error.code, ...(error.problems && { problems: error.problems }) }
        if (error.statusCode === 401) void reply.header('www-authenticate', 'Bearer')
        return reply.code(error.statusCode).send(body)
      }
      const status = error.statusCode ?? 500
      if (status >= 500) request.log.error({ err: error }, 'request failed')
      const body: ErrorResponse = {
        statusCode: status,
        error: reasonOf(status),
        message: status >= 500 ? 'The endpoint could not answer; try again later' : error.message,
      }
      return reply.code(status).send(body)
    })
    return Promise.resolve()
  },
  { name: 'access', dependencies: ['database'] },
)

const reasonOf = (status: number) => STATUS_CODES[status] ?? 'Error'
