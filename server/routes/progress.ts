import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CommuneOverview, CommuneParams, ProgressResponse, YearQuery } from '../../src/protocol'
import { managerErrors, managerOf } from '../plugins/access'
import { communeOverview, progressMatrix } from '../services/progress'

const meta = { tags: ['progress'], security: [{ bearer: [] }] }

/** Progress from what the phones sent: units × commitments, and one commune's year. */
const progress: FastifyPluginAsyncTypebox = (app) => {
  const manager = { preHandler: app.requireManager }

  app.get(
    '/api/progress',
    {
      ...manager,
      schema: { ...meta, summary: 'Each unit’s progress on each commitment of a year', querystring: YearQuery, response: { 200: ProgressResponse, ...managerErrors } },
    },
    async (request) => progressMatrix(app.db, managerOf(request), request.query),
  )
  app.get(
    '/api/communes/:communeId/overview',
    {
      ...manager,
      schema: {
        ...meta,
        summary: 'Visits month by month and progress in one commune',
        params: CommuneParams,
        querystring: YearQuery,
        response: { 200: CommuneOverview, ...managerErrors },
      },
    },
    async (request) => communeOverview(app.db, managerOf(request), request.params.communeId, request.query),
  )
  return Promise.resolve()
}

export default progress
