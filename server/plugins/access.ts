import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { ErrorResponse } from '../../src/protocol'
import { identify, type Caller, type DeviceCaller, type ProvinceCaller } from '../services/access'
import type { Manager } from '../services/scope'
import { forbidden, tooManyAttempts, unauthorized } from '../services/errors'
import { limiter } from '../services/failures'

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null
  }
  interface FastifyInstance {
    /** preHandler: an enrolled, unrevoked device. */
    requireDevice: (this: void, request: FastifyRequest) => Promise<void>
    /** preHandler: a signed-in lead or admin of a bloc. */
    requireManager: (this: void, request: FastifyRequest) => Promise<void>
    /** preHandler: someone of the province's emulation office, signed in. */
    requireProvince: (this: void, request: FastifyRequest) => Promise<void>
    /** preHandler: anyone signed in at the dashboard: a bloc's lead or admin, or the province's office. */
    requireSignedIn: (this: void, request: FastifyRequest) => Promise<void>
  }
}

/** The signed-in lead or admin of a route behind `requireManager`. */
export function managerOf(request: Pick<FastifyRequest, 'caller'>): Manager {
  if (request.caller?.kind !== 'session') throw unauthorized('Log in first')
  return request.caller.member
}

/** The province's office of a route behind `requireProvince`. */
export function provinceOf(request: Pick<FastifyRequest, 'caller'>): ProvinceCaller['officer'] {
  if (request.caller?.kind !== 'province') throw unauthorized('Log in first')
  return request.caller.officer
}

/** The enrolled phone of a route behind `requireDevice`. */
export function deviceOf(request: Pick<FastifyRequest, 'caller'>): DeviceCaller {
  if (request.caller?.kind !== 'device') throw unauthorized('Enroll this device first')
  return request.caller
}

/** The answers every dashboard route may give besides its own. */
export const managerErrors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse } as const

const bearer = (request: FastifyRequest) => /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1]

export interface AccessOptions {
  /** Requests one phone may make in a minute: far above what a phone sends, so that only a runaway or stolen token meets it. */
  deviceRequestsPerMinute: number
}

/** Who is calling: 401 without a good token, 403 for the wrong kind of caller, 429 for a phone past its rate. */
export default fp<AccessOptions>(
  (app, { deviceRequestsPerMinute }) => {
    app.decorateRequest('caller', null)
    const requests = limiter(app.db, 'device-requests', deviceRequestsPerMinute, 60_000)

    app.decorate('requireDevice', async (request: FastifyRequest) => {
      const caller = await identify(app.db, bearer(request))
      if (caller.kind !== 'device') throw forbidden('This route is for enrolled devices')
      const wait = await requests.take(caller.deviceId)
      if (wait > 0) throw tooManyAttempts(wait, `Too many requests from this device; try again in ${wait} seconds`)
      request.caller = caller
    })
    app.decorate('requireManager', async (request: FastifyRequest) => {
      const caller = await identify(app.db, bearer(request))
      if (caller.kind !== 'session' || caller.member.role === 'cadre') throw forbidden('Only a unit lead or the bloc admin may do this')
      request.caller = caller
    })
    app.decorate('requireProvince', async (request: FastifyRequest) => {
      const caller = await identify(app.db, bearer(request))
      if (caller.kind !== 'province') throw forbidden('Only the province’s emulation office may do this')
      request.caller = caller
    })
    app.decorate('requireSignedIn', async (request: FastifyRequest) => {
      const caller = await identify(app.db, bearer(request))
      if (caller.kind === 'device' || (caller.kind === 'session' && caller.member.role === 'cadre')) throw forbidden('Only someone signed in at the dashboard may do this')
      request.caller = caller
    })
    return Promise.resolve()
  },
  { name: 'access', dependencies: ['database'] },
)
