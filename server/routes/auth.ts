import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ErrorResponse, LoginRequest, LoginResponse } from '../../src/protocol'
import { guardedLogIn, logOut } from '../services/access'

/** Sign in and out of the dashboard; wrong passwords are counted (`guardedLogIn`). */
const auth: FastifyPluginAsyncTypebox = (app) => {
  const logIn = guardedLogIn(app.db)

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
    async (request) => logIn(request.ip, request.body.username, request.body.password),
  )

  app.post(
    '/api/auth/logout',
    {
      schema: { summary: 'End this session', tags: ['auth'], security: [{ bearer: [] }], response: { 204: Type.Null(), 401: ErrorResponse, 403: ErrorResponse } },
      preHandler: app.requireSignedIn,
    },
    async (request, reply) => {
      await logOut(app.db, request.caller)
      return reply.code(204).send(null)
    },
  )
  return Promise.resolve()
}

export default auth
