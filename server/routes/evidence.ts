import fs from 'node:fs'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import {
  ExemplarEdit,
  ExemplarParams,
  ExemplarPhotoParams,
  ExemplarsQuery,
  ExemplarsResponse,
  ExemplarView,
  GalleryQuery,
  GalleryResponse,
  PhotoParams,
  PhotoQuery,
  ReportDetail,
  ReportParams,
  ReportsQuery,
  ReportsResponse,
  RemovalRequest,
  Review,
  ReviewRequest,
} from '../../src/protocol'
import { deviceOf, managerErrors, managerOf } from '../plugins/access'
import { gallery, listReports, ownPhoto, photoInScope, reportDetail, reviewReport } from '../services/evidence'
import { editExemplar, exemplarPhotoInScope, listExemplars } from '../services/exemplars'
import { removePhoto, removeReport, type PhotoDirs } from '../services/removals'
import { Thumbnails } from '../services/thumbnails'

export type EvidenceOptions = PhotoDirs

const meta = { tags: ['evidence'], security: [{ bearer: [] }] }

/** Reports, their photos and reviews, and the exemplary cases put forward from the field, for the unit's lead and the admin. */
const evidence: FastifyPluginAsyncTypebox<EvidenceOptions> = (app, dirs) => {
  const manager = { preHandler: app.requireManager }
  const thumbnails = new Thumbnails(app.db, dirs.photos, dirs.thumbsDir)
  app.addHook('onClose', () => thumbnails.close())
  const photoSchema = { ...meta, summary: 'A photo’s bytes, or with size=thumb a small JPEG of it', querystring: PhotoQuery, response: { 200: Type.Unknown(), ...managerErrors } }

  /** The same photo id always names the same bytes; only those who may see the unit get them. */
  async function servePhoto(request: FastifyRequest<{ Querystring: PhotoQuery }>, reply: FastifyReply, photo: { sha256: string; type: string }) {
    const { file, type } = await thumbnails.served(photo, request.query.size === 'thumb', (error) => request.log.warn({ err: error }, 'no thumbnail'))
    return reply.type(type).header('cache-control', 'private, max-age=86400').header('x-content-type-options', 'nosniff').send(fs.createReadStream(file))
  }

  app.get(
    '/api/reports',
    { ...manager, schema: { ...meta, summary: 'Reports of a year, newest visit first', querystring: ReportsQuery, response: { 200: ReportsResponse, ...managerErrors } } },
    async (request) => listReports(app.db, managerOf(request), request.query),
  )
  app.get(
    '/api/reports/:reportId',
    { ...manager, schema: { ...meta, summary: 'A report with its entries, photos and reviews', params: ReportParams, response: { 200: ReportDetail, ...managerErrors } } },
    async (request) => reportDetail(app.db, managerOf(request), request.params.reportId),
  )
  app.get(
    '/api/reports/:reportId/photos/:photoId',
    {
      ...manager,
      schema: { ...photoSchema, params: PhotoParams },
    },
    async (request, reply) => servePhoto(request, reply, await photoInScope(app.db, managerOf(request), request.params.reportId, request.params.photoId)),
  )
  app.get(
    '/api/device/reports/:reportId/photos/:photoId',
    {
      preHandler: app.requireDevice,
      schema: { ...photoSchema, summary: 'A photo of one of the member’s own reports, for a phone that does not hold it (reinstalled, or its space freed)', params: PhotoParams },
    },
    async (request, reply) => servePhoto(request, reply, await ownPhoto(app.db, deviceOf(request).member, request.params.reportId, request.params.photoId)),
  )
  app.get(
    '/api/gallery',
    { ...manager, schema: { ...meta, summary: 'Received photos of a year, newest visit first', querystring: GalleryQuery, response: { 200: GalleryResponse, ...managerErrors } } },
    async (request) => gallery(app.db, managerOf(request), request.query),
  )
  app.post(
    '/api/reports/:reportId/reviews',
    {
      ...manager,
      schema: { ...meta, summary: 'Accept a report, or ask its author for more', params: ReportParams, body: ReviewRequest, response: { 201: Review, ...managerErrors } },
    },
    async (request, reply) => reply.code(201).send(await reviewReport(app.db, managerOf(request), request.params.reportId, request.body)),
  )
  app.post(
    '/api/reports/:reportId/removal',
    {
      ...manager,
      schema: {
        ...meta,
        summary: 'The admin removes a report from the endpoint, with a reason; the unit’s phones drop it on their next pull',
        params: ReportParams,
        body: RemovalRequest,
        response: { 204: Type.Null(), ...managerErrors },
      },
    },
    async (request, reply) => {
      await removeReport(app.db, dirs, managerOf(request), request.params.reportId, request.body)
      return reply.code(204).send(null)
    },
  )
  app.post(
    '/api/reports/:reportId/photos/:photoId/removal',
    {
      ...manager,
      schema: {
        ...meta,
        summary: 'The admin removes one photo of a report from the endpoint, with a reason',
        params: PhotoParams,
        body: RemovalRequest,
        response: { 204: Type.Null(), ...managerErrors },
      },
    },
    async (request, reply) => {
      await removePhoto(app.db, dirs, managerOf(request), request.params.reportId, request.params.photoId, request.body)
      return reply.code(204).send(null)
    },
  )
  app.get(
    '/api/exemplars',
    {
      ...manager,
      schema: {
        ...meta,
        summary: 'Exemplary cases put forward from the phones in a year, newest first',
        querystring: ExemplarsQuery,
        response: { 200: ExemplarsResponse, ...managerErrors },
      },
    },
    async (request) => listExemplars(app.db, managerOf(request), request.query),
  )
  app.put(
    '/api/exemplars/:exemplarId',
    {
      ...manager,
      schema: { ...meta, summary: 'Set the words of an exemplary case right', params: ExemplarParams, body: ExemplarEdit, response: { 200: ExemplarView, ...managerErrors } },
    },
    async (request) => editExemplar(app.db, managerOf(request), request.params.exemplarId, request.body),
  )
  app.get('/api/exemplars/:exemplarId/photos/:photoId', { ...manager, schema: { ...photoSchema, params: ExemplarPhotoParams } }, async (request, reply) =>
    servePhoto(request, reply, await exemplarPhotoInScope(app.db, managerOf(request), request.params.exemplarId, request.params.photoId)),
  )
  return Promise.resolve()
}

export default evidence
