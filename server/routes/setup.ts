import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import {
  AssignmentsRequest,
  AssignmentsResponse,
  Bloc,
  BlocRequest,
  Commitment,
  CommitmentParams,
  CommitmentRequest,
  Commune,
  CommuneParams,
  CommuneRequest,
  CovenantDetail,
  CovenantParams,
  CovenantRequest,
  CovenantStatusRequest,
  CreateCovenantRequest,
  DemoRemoved,
  RetireRequest,
  SetupResponse,
  Unit,
  UnitParams,
  UnitRequest,
  YearParams,
} from '../../src/protocol'
import { managerErrors, managerOf } from '../plugins/access'
import {
  addCommitment,
  assignmentsOf,
  covenantDetail,
  createCovenant,
  deleteCommitment,
  moveCovenant,
  retireCommitment,
  saveCommune,
  saveUnit,
  setAssignments,
  setupOf,
  updateBloc,
  updateCommitment,
  updateCovenant,
} from '../services/setup'
import { removeDemo } from '../services/demo'
import type { PhotoDirs } from '../services/removals'

const meta = { tags: ['setup'], security: [{ bearer: [] }] }

/** Setting up the bloc's year. Leads may read it; only the admin changes it. */
const setup: FastifyPluginAsyncTypebox<PhotoDirs> = (app, dirs) => {
  const manager = { preHandler: app.requireManager }

  app.get(
    '/api/setup',
    { ...manager, schema: { ...meta, summary: 'The bloc, its units, communes and covenants', response: { 200: SetupResponse, ...managerErrors } } },
    async (request) => setupOf(app.db, managerOf(request)),
  )

  app.post(
    '/api/demo/removal',
    {
      ...manager,
      schema: {
        ...meta,
        summary: 'Take away the demo data `npm start` seeded, keeping what real data uses',
        response: { 200: DemoRemoved, ...managerErrors },
      },
    },
    async (request) => removeDemo(app.db, dirs, managerOf(request)),
  )

  app.put(
    '/api/bloc',
    { ...manager, schema: { ...meta, summary: 'Rename the bloc; set its head and deputy units', body: BlocRequest, response: { 200: Bloc, ...managerErrors } } },
    async (request) => updateBloc(app.db, managerOf(request), request.body),
  )

  app.post('/api/units', { ...manager, schema: { ...meta, summary: 'Add a member unit', body: UnitRequest, response: { 201: Unit, ...managerErrors } } }, async (request, reply) =>
    reply.code(201).send(await saveUnit(app.db, managerOf(request), null, request.body)),
  )
  app.put(
    '/api/units/:unitId',
    { ...manager, schema: { ...meta, summary: 'Rename a unit', params: UnitParams, body: UnitRequest, response: { 200: Unit, ...managerErrors } } },
    async (request) => saveUnit(app.db, managerOf(request), request.params.unitId, request.body),
  )

  app.post(
    '/api/communes',
    { ...manager, schema: { ...meta, summary: 'Add a commune', body: CommuneRequest, response: { 201: Commune, ...managerErrors } } },
    async (request, reply) => reply.code(201).send(await saveCommune(app.db, managerOf(request), null, request.body)),
  )
  app.put(
    '/api/communes/:communeId',
    { ...manager, schema: { ...meta, summary: 'Change a commune', params: CommuneParams, body: CommuneRequest, response: { 200: Commune, ...managerErrors } } },
    async (request) => saveCommune(app.db, managerOf(request), request.params.communeId, request.body),
  )

  app.get(
    '/api/assignments/:year',
    { ...manager, schema: { ...meta, summary: 'Which unit helps which commune in a year', params: YearParams, response: { 200: AssignmentsResponse, ...managerErrors } } },
    async (request) => assignmentsOf(app.db, managerOf(request), request.params.year),
  )
  app.put(
    '/api/assignments/:year',
    {
      ...manager,
      schema: { ...meta, summary: 'Replace a year’s assignments', params: YearParams, body: AssignmentsRequest, response: { 200: AssignmentsResponse, ...managerErrors } },
    },
    async (request) => setAssignments(app.db, managerOf(request), request.params.year, request.body),
  )

  app.get(
    '/api/covenants/:covenantId',
    { ...manager, schema: { ...meta, summary: 'A covenant with every commitment, retired ones too', params: CovenantParams, response: { 200: CovenantDetail, ...managerErrors } } },
    async (request) => covenantDetail(app.db, managerOf(request), request.params.covenantId),
  )
  app.post(
    '/api/covenants',
    {
      ...manager,
      schema: { ...meta, summary: 'Start a year’s covenant, empty or copied from another year', body: CreateCovenantRequest, response: { 201: CovenantDetail, ...managerErrors } },
    },
    async (request, reply) => reply.code(201).send(await createCovenant(app.db, managerOf(request), request.body)),
  )
  app.put(
    '/api/covenants/:covenantId',
    { ...manager, schema: { ...meta, summary: 'Change a covenant’s slogan', params: CovenantParams, body: CovenantRequest, response: { 200: CovenantDetail, ...managerErrors } } },
    async (request) => updateCovenant(app.db, managerOf(request), request.params.covenantId, request.body.slogan),
  )
  app.post(
    '/api/covenants/:covenantId/status',
    {
      ...manager,
      schema: {
        ...meta,
        summary: 'Sign a draft covenant, or close a signed one',
        params: CovenantParams,
        body: CovenantStatusRequest,
        response: { 200: CovenantDetail, ...managerErrors },
      },
    },
    async (request) => moveCovenant(app.db, managerOf(request), request.params.covenantId, request.body),
  )

  app.post(
    '/api/covenants/:covenantId/commitments',
    { ...manager, schema: { ...meta, summary: 'Add a commitment', params: CovenantParams, body: CommitmentRequest, response: { 201: Commitment, ...managerErrors } } },
    async (request, reply) => reply.code(201).send(await addCommitment(app.db, managerOf(request), request.params.covenantId, request.body)),
  )
  app.put(
    '/api/commitments/:commitmentId',
    { ...manager, schema: { ...meta, summary: 'Change a commitment', params: CommitmentParams, body: CommitmentRequest, response: { 200: Commitment, ...managerErrors } } },
    async (request) => updateCommitment(app.db, managerOf(request), request.params.commitmentId, request.body),
  )
  app.delete(
    '/api/commitments/:commitmentId',
    { ...manager, schema: { ...meta, summary: 'Delete a commitment of a draft covenant', params: CommitmentParams, response: { 204: Type.Null(), ...managerErrors } } },
    async (request, reply) => {
      await deleteCommitment(app.db, managerOf(request), request.params.commitmentId)
      return reply.code(204).send(null)
    },
  )
  app.post(
    '/api/commitments/:commitmentId/retire',
    {
      ...manager,
      schema: {
        ...meta,
        summary: 'Retire a signed covenant’s commitment, or bring it back',
        params: CommitmentParams,
        body: RetireRequest,
        response: { 200: Commitment, ...managerErrors },
      },
    },
    async (request) => retireCommitment(app.db, managerOf(request), request.params.commitmentId, request.body.retired),
  )
  return Promise.resolve()
}

export default setup
