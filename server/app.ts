import Fastify, { type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import pkg from '../package.json' with { type: 'json' }
import type { Config } from './config'
import database from './plugins/database'
import appFiles from './plugins/app-files'
import health from './routes/health'

export interface BuildOptions {
  logger?: FastifyServerOptions['logger']
}

/** Build the endpoint: services first, then API routes, then the app's files as the fallback. */
export async function buildApp(config: Config, options: BuildOptions = {}) {
  const app = Fastify({
    logger: options.logger ?? { level: config.LOG_LEVEL },
    bodyLimit: 1024 * 1024,
    trustProxy: false,
  }).withTypeProvider<TypeBoxTypeProvider>()

  await app.register(database, { file: config.databaseFile })
  await app.register(health, { version: pkg.version })
  await app.register(appFiles, { root: config.appDir })

  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
