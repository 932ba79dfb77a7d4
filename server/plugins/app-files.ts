import fs from 'node:fs'
import path from 'node:path'
import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import { ERROR_CODES } from '../../src/protocol'

export interface AppFilesOptions {
  /** Folder of the built app (`dist/`). */
  root: string
}

const immutable = 'public, max-age=31536000, immutable'
const revalidate = 'no-cache'

/**
 * Hashed files under `assets/` never change: a year, immutable. Everything else (`index.html`,
 * `sw.js`, the manifest, icons) is checked every time, so a new version reaches phones.
 */
export function cacheControlFor(relativePath: string): string {
  return relativePath.split(path.sep).join('/').startsWith('assets/') ? immutable : revalidate
}

function wantsPage(accept: string | undefined): boolean {
  return accept?.includes('text/html') ?? false
}

/** Serves the built app; unknown page paths get `index.html` so deep links work on first load. */
export default fp<AppFilesOptions>(
  async (app, { root }) => {
    const built = fs.existsSync(path.join(root, 'index.html'))
    if (!built) app.log.warn({ root }, 'the app is not built: only the API is served')

    await app.register(fastifyStatic, {
      root,
      wildcard: true,
      index: 'index.html',
      preCompressed: true,
      cacheControl: false,
      setHeaders(reply, filePath) {
        reply.header('cache-control', cacheControlFor(path.relative(root, filePath)))
      },
    })

    app.setNotFoundHandler((request, reply) => {
      const { pathname } = new URL(request.url, 'http://localhost')
      const isApi = pathname === '/api' || pathname.startsWith('/api/')
      if (isApi || !['GET', 'HEAD'].includes(request.method) || !wantsPage(request.headers.accept)) {
        return reply.code(404).send({ statusCode: 404, error: 'Not Found', code: ERROR_CODES.notFound, message: `No ${request.method} ${pathname} here` })
      }
      if (!built) {
        return reply.code(503).type('text/plain; charset=utf-8').send('The app is not built yet: run `npm run build` (`npm start` builds it for you).')
      }
      return reply.header('cache-control', revalidate).sendFile('index.html')
    })
  },
  { name: 'app-files' },
)
