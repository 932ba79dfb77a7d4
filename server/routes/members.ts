import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { MemberDetail, MemberParams, MemberRequest, MembersQuery, MembersResponse } from '../../src/protocol'
import { managerErrors, managerOf } from '../plugins/access'
import { listMembers, saveMember } from '../services/members'

const meta = { tags: ['members'], security: [{ bearer: [] }] }

/** Members of the bloc and their phones: the admin's for everyone, a lead's for their unit's cadres. */
const members: FastifyPluginAsyncTypebox = (app) => {
  const manager = { preHandler: app.requireManager }

  app.get(
    '/api/members',
    { ...manager, schema: { ...meta, summary: 'Members with their phones', querystring: MembersQuery, response: { 200: MembersResponse, ...managerErrors } } },
    async (request) => ({
      members: await listMembers(app.db, managerOf(request), request.query.unitId),
    }),
  )
  app.post(
    '/api/members',
    { ...manager, schema: { ...meta, summary: 'Add a member to a unit', body: MemberRequest, response: { 201: MemberDetail, ...managerErrors } } },
    async (request, reply) => reply.code(201).send(await saveMember(app.db, managerOf(request), null, request.body)),
  )
  app.put(
    '/api/members/:memberId',
    { ...manager, schema: { ...meta, summary: 'Change a member', params: MemberParams, body: MemberRequest, response: { 200: MemberDetail, ...managerErrors } } },
    async (request) => saveMember(app.db, managerOf(request), request.params.memberId, request.body),
  )
  return Promise.resolve()
}

export default members
