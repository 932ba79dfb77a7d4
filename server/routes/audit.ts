import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AuditQuery, AuditResponse } from '../../src/protocol'
import { managerErrors, managerOf } from '../plugins/access'
import { listAudit } from '../services/audit'

/** `GET /api/audit`: who did what and when. */
const audit: FastifyPluginAsyncTypebox = (app) => {
  app.get(
    '/api/audit',
    {
      preHandler: app.requireManager,
      schema: { tags: ['audit'], security: [{ bearer: [] }], summary: 'The audit log, newest first', querystring: AuditQuery, response: { 200: AuditResponse, ...managerErrors } },
    },
    async (request) => listAudit(app.db, managerOf(request), request.query),
  )
  return Promise.resolve()
}

export default audit
