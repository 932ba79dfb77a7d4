import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ERROR_CODES, ErrorResponse, LoginRequest, LoginResponse } from '../../src/protocol'
import { AccessError, logIn, logOut } from '../services/access'
import { FailureLimiter } from '../services/failures'

/**
 * Sign in and out of the dashboard. Five wrong passwords for a name from one address, or thirty
 * from one address: wait 15 minutes.
 */
const auth: FastifyPluginAsyncTypebox = (app) => {
  const perName = new FailureLimiter(5, 15 * 60 * 1000)
  const perAddress = new FailureLimiter(30, 15 * 60 * 1000)

  app.post(
    '/api/auth/login',
    {
      schema: {
        summary: 'Log in as a unit lead or the bloc admin',
        tags: ['auth'],
        body: LoginRequest,
        response: { 200: LoginResponse, 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      // Per name from one address, and per address whatever the name: guessing one password
      // across many names is slowed as well. Counted before the password is checked, so that
      // attempts sent all at once are limited too.
      const name = `${request.ip}|${request.body.username.trim().toLowerCase()}`
      const wait = Math.max(perName.retryAfter(name), perAddress.retryAfter(request.ip))
      if (wait > 0) {
        void reply.header('retry-after', String(wait))
        throw new AccessError(429, ERROR_CODES.tooManyAttempts, `Too many failed attempts; try again in ${Math.ceil(wait / 60)} minutes`)
      }
      perName.count(name)
      perAddress.count(request.ip)
      const session = await logIn(app.db, request.body.username, request.body.password)
      perName.succeed(name)
      perAddress.succeed(request.ip)
      return session
    },
  )

  app.post(
    '/api/auth/logout',
    {
      schema: { summary: 'End this session', tags: ['auth'], security: [{ bearer: [] }], response: { 204: Type.Null(), 401: ErrorResponse, 403: ErrorResponse } },
      preHandler: app.requireManager,
    },
    async (request, reply) => {
      if (request.caller?.kind === 'session') await logOut(app.db, request.caller.tokenHash)
      return reply.code(204).send(null)
    },
  )
  return Promise.resolve()
}

export default auth
