import http from 'node:http'
import AjvCompiler, { type RouteDefinition } from '@fastify/ajv-compiler'

/** How the endpoint speaks HTTP: what its log shows of a request, how bodies are checked, how long a request may take. */

/** Query parameters whose values never reach the log: a token or a code pasted into an address is a credential. */
const SECRET_PARAMETER = /token|code|password|secret|key/i

/** A request as the log shows it: method and address, secrets in the query string blanked; headers (and so the bearer token) never. */
export function loggedRequest(request: { method: string; url: string }): { method: string; url: string } {
  const [pathname, query] = request.url.split('?', 2)
  if (query === undefined) return { method: request.method, url: request.url }
  const params = new URLSearchParams(query)
  for (const key of [...params.keys()]) if (SECRET_PARAMETER.test(key)) params.set(key, 'REDACTED')
  return { method: request.method, url: `${pathname}?${params.toString()}` }
}

/**
 * Bodies are checked as sent: a number, `true` or an array where a name is expected is a 400
 * naming the field, never turned into the name. Query strings and path parameters are text on
 * the wire, and keep their integers and booleans converted.
 */
const strict = AjvCompiler()
const loose = AjvCompiler()
type CompilerOptions = Parameters<typeof strict>[1]
type Compiler = ReturnType<typeof strict>
// The package's types say a compiler takes a schema; Fastify hands it the route (schema, method, url, part).
type RouteCompiler = (route: RouteDefinition) => ReturnType<Compiler>
export const strictBodies = (externalSchemas: Parameters<typeof strict>[0], options?: CompilerOptions): Compiler => {
  const bodies = strict(externalSchemas, { ...options, customOptions: { ...options?.customOptions, coerceTypes: false } } as CompilerOptions) as unknown as RouteCompiler
  const others = loose(externalSchemas, options) as unknown as RouteCompiler
  const compile: RouteCompiler = (route) => ((route.httpPart as string) === 'body' ? bodies : others)(route)
  return compile as unknown as Compiler
}

/**
 * The HTTP server, with a connection that trickles its request (slow-body clients holding
 * sockets open) cut: headers within 30 s, the whole request within `requestTimeoutMs`, checked
 * a few times in that span.
 */
export function serverWithTimeouts(handler: http.RequestListener, requestTimeoutMs: number): http.Server {
  return http.createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(30_000, requestTimeoutMs),
      connectionsCheckingInterval: Math.min(30_000, Math.ceil(requestTimeoutMs / 4)),
    },
    handler,
  )
}
