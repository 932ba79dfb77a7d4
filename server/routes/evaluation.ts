import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import {
  CovenantParams,
  EvaluationResponse,
  EvaluationRules,
  EvaluationUnitParams,
  ProposalParams,
  ProposalRequest,
  ReturnRequest,
  ScoreSheetRequest,
  VotesRequest,
} from '../../src/protocol'
import { managerErrors, managerOf } from '../plugins/access'
import { moveSelf, publish, saveBloc, saveProposal, saveRules, saveSelf, saveVotes } from '../services/evaluation'
import { evaluationOf } from '../services/evaluation-view'
import { evaluationWorkbook } from '../services/evaluation-export'

const meta = { tags: ['evaluation'], security: [{ bearer: [] }] }
const answer = { 200: EvaluationResponse, ...managerErrors }

/** The year's end of a covenant: rules, self-assessments, the bloc's scores, the vote and publication. Each answers the evaluation as it now stands. */
const evaluation: FastifyPluginAsyncTypebox = (app) => {
  const manager = { preHandler: app.requireManager }
  const base = '/api/covenants/:covenantId/evaluation'

  app.get(base, { ...manager, schema: { ...meta, summary: 'The year’s evaluation as the caller may see it', params: CovenantParams, response: answer } }, async (request) =>
    evaluationOf(app.db, managerOf(request), request.params.covenantId),
  )
  app.put(
    `${base}/rules`,
    { ...manager, schema: { ...meta, summary: 'Set the year’s rules of evaluation (admin)', params: CovenantParams, body: EvaluationRules, response: answer } },
    async (request) => saveRules(app.db, managerOf(request), request.params.covenantId, request.body),
  )
  app.put(
    `${base}/units/:unitId/self`,
    { ...manager, schema: { ...meta, summary: 'Write the unit’s self-assessment (its lead)', params: EvaluationUnitParams, body: ScoreSheetRequest, response: answer } },
    async (request) => saveSelf(app.db, managerOf(request), request.params.covenantId, request.params.unitId, request.body),
  )
  app.post(
    `${base}/units/:unitId/self/submit`,
    { ...manager, schema: { ...meta, summary: 'Submit the self-assessment (its lead)', params: EvaluationUnitParams, response: answer } },
    async (request) => moveSelf(app.db, managerOf(request), request.params.covenantId, request.params.unitId, 'submitted'),
  )
  app.post(
    `${base}/units/:unitId/self/return`,
    { ...manager, schema: { ...meta, summary: 'Return a submitted self-assessment with a comment (admin)', params: EvaluationUnitParams, body: ReturnRequest, response: answer } },
    async (request) => moveSelf(app.db, managerOf(request), request.params.covenantId, request.params.unitId, 'returned', request.body.comment),
  )
  app.put(
    `${base}/units/:unitId/bloc`,
    { ...manager, schema: { ...meta, summary: 'Score a unit for the bloc', params: EvaluationUnitParams, body: ScoreSheetRequest, response: answer } },
    async (request) => saveBloc(app.db, managerOf(request), request.params.covenantId, request.params.unitId, request.body),
  )
  app.put(
    `${base}/votes`,
    { ...manager, schema: { ...meta, summary: 'Record the conference’s vote (admin)', params: CovenantParams, body: VotesRequest, response: answer } },
    async (request) => saveVotes(app.db, managerOf(request), request.params.covenantId, request.body),
  )
  app.post(`${base}/publish`, { ...manager, schema: { ...meta, summary: 'Publish the results to the bloc (admin)', params: CovenantParams, response: answer } }, async (request) =>
    publish(app.db, managerOf(request), request.params.covenantId),
  )
  app.post(
    `${base}/proposals`,
    { ...manager, schema: { ...meta, summary: 'Propose a unit or a person for an award (admin)', params: CovenantParams, body: ProposalRequest, response: answer } },
    async (request) => saveProposal(app.db, managerOf(request), request.params.covenantId, null, request.body),
  )
  app.put(
    `${base}/proposals/:proposalId`,
    { ...manager, schema: { ...meta, summary: 'Change or approve a proposal (admin)', params: ProposalParams, body: ProposalRequest, response: answer } },
    async (request) => saveProposal(app.db, managerOf(request), request.params.covenantId, request.params.proposalId, request.body),
  )
  app.get(
    `${base}/scores.xlsx`,
    {
      ...manager,
      schema: { ...meta, summary: 'The score sheet as an Excel workbook, as the caller may see it', params: CovenantParams, response: { 200: Type.Unknown(), ...managerErrors } },
    },
    async (request, reply) => {
      const { bytes, name } = await evaluationWorkbook(app.db, managerOf(request), request.params.covenantId)
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(bytes)
    },
  )
  return Promise.resolve()
}

export default evaluation
