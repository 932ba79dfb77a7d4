import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'

/** The API's OpenAPI document, from every route's schemas, at `/api/openapi.json`. */
export default fp<{ version: string }>(
  async (app, { version }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'Giao Ước endpoint', version, description: 'Enrollment, sync and the dashboard API of Giao Ước.' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      },
      hideUntagged: false,
    })
    app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger())
  },
  { name: 'openapi' },
)
