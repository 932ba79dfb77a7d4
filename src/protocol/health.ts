import { Type, type Static } from '@sinclair/typebox'

/** `GET /api/health`: whether the endpoint and its database answer, and which version runs. */
export const HealthResponse = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
    version: Type.String({ description: 'Version of the endpoint (package.json)' }),
    database: Type.Object(
      {
        status: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
        dialect: Type.String({ description: 'sqlite or postgres' }),
        migration: Type.Union([Type.String(), Type.Null()], { description: 'Name of the last applied migration' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
export type HealthResponse = Static<typeof HealthResponse>
