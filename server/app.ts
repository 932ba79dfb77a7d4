import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import pkg from '../package.json' with { type: 'json' }
import type { ErrorResponse } from '../src/protocol'
import type { Config } from './config'
import { errorBody, reasonOf, Refusal, statusRefusal } from './services/errors'
import { loggedRequest, serverWithTimeouts, strictBodies } from './http'
import database from './plugins/database'
import { PhotoBucket } from './services/photo-bucket'
import { PhotoStore } from './services/photo-store'
import bootstrap from './plugins/bootstrap'
import access from './plugins/access'
import openapi from './plugins/openapi'
import appFiles from './plugins/app-files'
import securityHeaders from './plugins/security-headers'
import health from './routes/health'
import auth from './routes/auth'
import rescue from './routes/rescue'
import enrollment from './routes/enrollment'
import pull from './routes/pull'
import push from './routes/push'
import uploads from './routes/uploads'
import setup from './routes/setup'
import members from './routes/members'
import progress from './routes/progress'
import evidence from './routes/evidence'
import exports from './routes/export'
import audit from './routes/audit'
import evaluation from './routes/evaluation'
import province from './routes/province'

export interface BuildOptions {
  /** Where the log goes (a stream), for tests that read it; `false` for none. By default, standard output. */
  logStream?: { write: (line: string) => void } | false
}

/** Build the endpoint: services first, then API routes, then the app's files as the fallback. */
export async function buildApp(config: Config, options: BuildOptions = {}) {
  const app = Fastify({
    logger: options.logStream === false ? false : { level: config.LOG_LEVEL, serializers: { req: loggedRequest }, ...(options.logStream && { stream: options.logStream }) },
    bodyLimit: 1024 * 1024,
    // A first start seeds the demo (its photos drawn one by one): seconds on a busy machine, past Fastify's 10 s default.
    pluginTimeout: 180_000,
    serverFactory: (handler) => serverWithTimeouts(handler, config.REQUEST_TIMEOUT_MS),
    // Behind the reverse proxy the README recommends, the client's address comes from X-Forwarded-For (TRUST_PROXY).
    trustProxy: config.trustProxy,
    // A field the contract does not know is an error the sender should hear about, not something to drop.
    ajv: { customOptions: { removeAdditional: false } },
    schemaController: { compilersFactory: { buildValidator: strictBodies } },
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.setErrorHandler(answerError)
  const photos = new PhotoStore(config.photosDir, config.photoBucket && (await PhotoBucket.open(config.photoBucket)))
  app.addHook('onClose', () => photos.close())
  const photoDirs = { photos, thumbsDir: config.thumbsDir }

  await app.register(securityHeaders, { publicUrl: config.publicUrl })
  await app.register(database, { url: config.DATABASE_URL, file: config.databaseFile, poolSize: config.DATABASE_POOL_SIZE })
  await app.register(bootstrap, {
    seedDemo: config.SEED_DEMO,
    seedLastYear: config.SEED_DEMO_LAST_YEAR,
    seedThisYear: config.SEED_DEMO_THIS_YEAR,
    photos,
    adminPassword: config.ADMIN_PASSWORD,
    publicUrl: config.publicUrl,
  })
  await app.register(access, { deviceRequestsPerMinute: config.DEVICE_REQUESTS_PER_MINUTE })
  await app.register(openapi, { version: pkg.version })
  await app.register(health, { version: pkg.version })
  await app.register(auth)
  await app.register(enrollment, { publicUrl: config.publicUrl })
  await app.register(pull, { figuresMaxAgeMs: config.UNIT_FIGURES_MAX_AGE_MS })
  await app.register(push)
  await app.register(uploads, {
    uploadsDir: config.uploadsDir,
    photos,
    photoMaxBytes: config.PHOTO_MAX_BYTES,
    photosPerDay: config.DEVICE_PHOTOS_PER_DAY,
    publicUrl: config.publicUrl,
    databaseUrl: config.DATABASE_URL,
  })
  await app.register(setup, photoDirs)
  await app.register(members)
  await app.register(rescue, { photos, uploadsDir: config.uploadsDir, photoMaxBytes: config.PHOTO_MAX_BYTES })
  await app.register(progress)
  await app.register(evidence, photoDirs)
  await app.register(exports)
  await app.register(audit)
  await app.register(evaluation)
  await app.register(province)
  await app.register(appFiles, { root: config.appDir })

  return app
}

/**
 * Every route's error answer: a refusal with its status, code and headers; a schema's 400 or a
 * body too large as Fastify found it; anything else a 500 that tells nothing of the endpoint's
 * insides, logged instead.
 */
function answerError(error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof Refusal) {
    if (error.headers) void reply.headers(error.headers)
    if (error.statusCode === 401) void reply.header('www-authenticate', 'Bearer')
    return reply.code(error.statusCode).send(errorBody(error))
  }
  const status = error.statusCode ?? 500
  if (status >= 500) request.log.error({ err: error }, 'request failed')
  // Every refusal carries a code: a 4xx without one is a captive portal's or a proxy's, to the phone.
  const body: ErrorResponse =
    status < 500 ? statusRefusal(status, error.message) : { statusCode: status, error: reasonOf(status), message: 'The endpoint could not answer; try again later' }
  return reply.code(status).send(body)
}

export type App = Awaited<ReturnType<typeof buildApp>>
