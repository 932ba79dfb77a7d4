import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { MemberParams, RESCUE_LIMITS, RESCUE_PASSPHRASE_HEADER, RescueUploadResponse } from '../../src/protocol'
import { managerErrors, managerOf } from '../plugins/access'
import { invalid } from '../services/errors'
import { receiveRescue, type RescueOptions } from '../services/rescue'

const meta = { tags: ['members'], security: [{ bearer: [] }] }

/** The passphrase as it travels in a header: percent-encoded UTF-8, for Vietnamese letters. */
function passphraseOf(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || header === '') return undefined
  try {
    return decodeURIComponent(header)
  } catch {
    throw invalid(`${RESCUE_PASSPHRASE_HEADER} is not percent-encoded UTF-8`)
  }
}

/** A member's rescue file, uploaded by their lead or the admin when the phone that made it is gone. */
const rescue: FastifyPluginAsyncTypebox<RescueOptions> = (app, options) => {
  // The file is the body, as it is: read whole (it is checked before anything is stored), up to its limit.
  app.addContentTypeParser(['application/zip', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: RESCUE_LIMITS.bytes }, (_request, body, done) => done(null, body))

  app.post(
    '/api/members/:memberId/rescue',
    {
      preHandler: app.requireManager,
      bodyLimit: RESCUE_LIMITS.bytes,
      schema: {
        ...meta,
        summary: 'Send what a member’s rescue file holds, as their phone would have',
        description: `The rescue file as the body (application/zip); its passphrase, percent-encoded, in \`${RESCUE_PASSPHRASE_HEADER}\` when it is sealed.`,
        params: MemberParams,
        headers: Type.Object({ [RESCUE_PASSPHRASE_HEADER]: Type.Optional(Type.String({ maxLength: 1024 })) }),
        response: { 200: RescueUploadResponse, ...managerErrors },
      },
    },
    async (request) => {
      const passphrase = passphraseOf(request.headers[RESCUE_PASSPHRASE_HEADER])
      return receiveRescue(app.db, options, managerOf(request), request.params.memberId, new Uint8Array(request.body as Buffer), passphrase)
    },
  )
  return Promise.resolve()
}

export default rescue
