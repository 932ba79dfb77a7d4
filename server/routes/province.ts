import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import {
  AdminPasswordParams,
  AdminPasswordRequest,
  Commune,
  CommuneParams,
  CommuneRequest,
  CreateBlocRequest,
  CreateBlocResponse,
  ProvinceQuery,
  ProvinceResponse,
  SharedCommunesResponse,
} from '../../src/protocol'
import { managerErrors, provinceOf } from '../plugins/access'
import { EXPORT_TYPES } from '../services/export'
import { correctCommune, createBloc, provinceOverview, provinceWorkbook, setAdminPassword, sharedCommunes } from '../services/province'

/** The province's emulation office: every bloc's year, one workbook of them all, new blocs, their admins' passwords, and the places blocs share. */
const province: FastifyPluginAsyncTypebox = (app) => {
  const meta = { tags: ['province'], security: [{ bearer: [] }] }
  const yearOf = (query: ProvinceQuery) => query.year ?? new Date().getFullYear()

  app.get(
    '/api/province',
    {
      preHandler: app.requireProvince,
      schema: {
        ...meta,
        summary: 'Every bloc’s year: progress, and the results and proposals it published',
        querystring: ProvinceQuery,
        response: { 200: ProvinceResponse, ...managerErrors },
      },
    },
    async (request) => {
      provinceOf(request)
      return provinceOverview(app.db, yearOf(request.query))
    },
  )
  app.get(
    '/api/province/export.xlsx',
    {
      preHandler: app.requireProvince,
      schema: { ...meta, summary: 'Every bloc’s year in one workbook', querystring: ProvinceQuery, response: { 200: Type.Unknown(), ...managerErrors } },
    },
    async (request, reply) => {
      const { bytes, name } = await provinceWorkbook(app.db, provinceOf(request), yearOf(request.query))
      return reply.type(EXPORT_TYPES['covenant.xlsx']).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store').send(bytes)
    },
  )
  app.post(
    '/api/province/blocs',
    {
      preHandler: app.requireProvince,
      schema: { ...meta, summary: 'Create a bloc with its head unit and first admin', body: CreateBlocRequest, response: { 201: CreateBlocResponse, ...managerErrors } },
    },
    async (request, reply) => reply.code(201).send(await createBloc(app.db, provinceOf(request), request.body)),
  )
  app.get(
    '/api/province/communes',
    {
      preHandler: app.requireProvince,
      schema: { ...meta, summary: 'The communes more than one bloc lists, with those blocs', response: { 200: SharedCommunesResponse, ...managerErrors } },
    },
    async (request) => {
      provinceOf(request)
      return sharedCommunes(app.db)
    },
  )
  app.put(
    '/api/province/communes/:communeId',
    {
      preHandler: app.requireProvince,
      schema: {
        ...meta,
        summary: 'Correct a commune’s name or place for every bloc listing it',
        params: CommuneParams,
        body: CommuneRequest,
        response: { 200: Commune, ...managerErrors },
      },
    },
    async (request) => correctCommune(app.db, provinceOf(request), request.params.communeId, request.body),
  )
  app.put(
    '/api/province/admins/:username/password',
    {
      preHandler: app.requireProvince,
      schema: {
        ...meta,
        summary: 'Set a bloc admin’s password; their sessions end',
        params: AdminPasswordParams,
        body: AdminPasswordRequest,
        response: { 204: Type.Null(), ...managerErrors },
      },
    },
    async (request, reply) => {
      await setAdminPassword(app.db, provinceOf(request), request.params.username, request.body.password)
      return reply.code(204).send(null)
    },
  )
  return Promise.resolve()
}

export default province
