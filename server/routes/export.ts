import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ExportParams, YearQuery } from '../../src/protocol'
import { managerErrors, managerOf } from '../plugins/access'
import { EXPORT_TYPES, exportFile } from '../services/export'

/** `GET /api/export/:file`: a year's reports, entries and progress as CSV or an Excel workbook. */
const exports: FastifyPluginAsyncTypebox = (app) => {
  app.get(
    '/api/export/:file',
    {
      preHandler: app.requireManager,
      schema: {
        tags: ['export'],
        security: [{ bearer: [] }],
        summary: 'Export a year as CSV (UTF-8 with BOM) or XLSX',
        params: ExportParams,
        querystring: YearQuery,
        response: { 200: Type.Unknown(), ...managerErrors },
      },
    },
    async (request, reply) => {
      const { body, name } = await exportFile(app.db, managerOf(request), request.params.file, request.query)
      return reply.type(EXPORT_TYPES[request.params.file]).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store').send(body)
    },
  )
  return Promise.resolve()
}

export default exports
