import fp from 'fastify-plugin'
import helmet from '@fastify/helmet'

export interface SecurityHeadersOptions {
  /** The address phones and browsers use: HSTS is sent only when it is HTTPS. */
  publicUrl: string
}

/**
 * The headers every answer carries. The app has no inline script: its one page loads hashed
 * files from this origin, so the policy allows scripts, styles, fonts and workers from `self`
 * only; photos show from `blob:` URLs made on the page; nothing may frame the app, and it talks
 * to its own endpoint alone. Styles set by the app's code go through the CSSOM, which the
 * policy does not block.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'blob:', 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const

export default fp<SecurityHeadersOptions>(
  async (app, { publicUrl }) => {
    await app.register(helmet, {
      contentSecurityPolicy: { useDefaults: false, directives: { ...CONTENT_SECURITY_POLICY } },
      referrerPolicy: { policy: 'same-origin' },
      // Over plain HTTP (a LAN, a test) a browser ignores it anyway; over HTTPS it pins the bloc's address to HTTPS for a year.
      strictTransportSecurity: publicUrl.startsWith('https:') ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    })
  },
  { name: 'security-headers' },
)
