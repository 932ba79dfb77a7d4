import path from 'node:path'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { BucketSettings } from './services/photo-bucket'

const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'TCP port to listen on' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Address to listen on; 0.0.0.0 for every interface' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data', description: 'Folder for the database and photos' }),
  DATABASE_URL: Type.Optional(
    Type.String({
      pattern: '^postgres(ql)?://',
      description: 'a PostgreSQL database to use instead of the SQLite file in DATA_DIR, as postgres://user:password@host:5432/database',
    }),
  ),
  PHOTO_STORE: Type.Optional(
    Type.String({
      pattern: '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$',
      description: 'an S3-compatible bucket to keep received photos in, as s3://bucket or s3://bucket/prefix; the photos folder in DATA_DIR when unset',
    }),
  ),
  S3_ENDPOINT: Type.Optional(
    Type.String({ pattern: '^https?://', description: 'with PHOTO_STORE, the S3 API address of a server other than AWS (MinIO, Garage, Ceph), as https://s3.example.vn' }),
  ),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1', description: 'with PHOTO_STORE, the bucket’s region' }),
  S3_FORCE_PATH_STYLE: Type.Optional(
    Type.Boolean({ description: 'with PHOTO_STORE, true to name the bucket in the path (https://host/bucket/key); true by default with S3_ENDPOINT' }),
  ),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 2, maximum: 1000, default: 10, description: 'with DATABASE_URL, connections each endpoint process keeps open at most (2 or more)' }),
  PHOTO_MAX_BYTES: Type.Integer({
    minimum: 1,
    maximum: 100 * 1024 * 1024,
    default: 10 * 1024 * 1024,
    description: 'largest photo upload accepted, in bytes, at most 104857600',
  }),
  APP_DIR: Type.String({ minLength: 1, default: './dist', description: 'Folder of the built app to serve' }),
  SEED_DEMO: Type.Boolean({ default: true, description: 'true to load the demo bloc into an empty database, false to start empty' }),
  SEED_DEMO_LAST_YEAR: Type.Boolean({ default: true, description: 'with SEED_DEMO, also last year’s covenant with a year of reports, being evaluated' }),
  SEED_DEMO_THIS_YEAR: Type.Boolean({ default: true, description: 'with SEED_DEMO, also this year’s visits so far from every unit, with photos' }),
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 10, description: 'password of the bloc admin created on first start, at least 10 characters' })),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+(/.*)?$', description: 'the address phones open, such as https://giaouoc.example.vn' })),
  REQUEST_TIMEOUT_MS: Type.Integer({
    minimum: 1000,
    maximum: 3_600_000,
    default: 120_000,
    description: 'a request whose headers and body have not all arrived by then is cut, in ms (a photo chunk of 256 KB takes under a minute on 2G)',
  }),
  DEVICE_REQUESTS_PER_MINUTE: Type.Integer({
    minimum: 1,
    default: 3000,
    description: 'requests one phone may make in a minute (pull, push, uploads) before 429 with Retry-After',
  }),
  DEVICE_PHOTOS_PER_DAY: Type.Integer({ minimum: 1, default: 20_000, description: 'photo uploads one phone may begin in a day before 429 with Retry-After' }),
  UNIT_FIGURES_MAX_AGE_MS: Type.Integer({
    minimum: 0,
    maximum: 3_600_000,
    default: 15_000,
    description: 'how long a unit’s figures, as phones pull them, are kept before they are read again, in ms; 0 reads them on every pull',
  }),
  TRUST_PROXY: Type.Optional(
    Type.String({
      pattern: '^(true|false|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$',
      description: 'behind a reverse proxy: the proxy addresses (127.0.0.1, or a list, CIDRs allowed), or true for any; the client address then comes from X-Forwarded-For',
    }),
  ),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info', description: 'fatal, error, warn, info, debug, trace or silent' },
  ),
})

export type RawConfig = Static<typeof ConfigSchema>

/** The endpoint's settings, with folders resolved to absolute paths. */
export interface Config extends RawConfig {
  dataDir: string
  appDir: string
  databaseFile: string
  /** Photo uploads under way (tus). */
  uploadsDir: string
  /** Received photos, by SHA-256 (with a bucket, the copies this machine holds). */
  photosDir: string
  /** PHOTO_STORE's bucket and how to reach it; null for the photos folder alone. */
  photoBucket: BucketSettings | null
  /** Thumbnails of received photos for the dashboard, made on first request. */
  thumbsDir: string
  /** PUBLIC_URL, or the local address the endpoint listens on. */
  publicUrl: string
  /** Fastify's `trustProxy`, from TRUST_PROXY: whom to believe about the client's address. */
  trustProxy: boolean | string[]
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Read the settings from environment variables, or throw a `ConfigError` naming every bad value.
 * Unknown variables are ignored: the environment holds much more than this endpoint's settings.
 */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const picked = Object.fromEntries(
    Object.keys(ConfigSchema.properties)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  )
  const value = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, { ...picked })) as Record<string, unknown>
  // Convert would read "80.5" or "80abc" as a number; an integer setting must be digits only.
  for (const [key, schema] of Object.entries(ConfigSchema.properties)) {
    const raw = picked[key]
    if (schema.type === 'integer' && raw !== undefined && !/^\d+$/.test(raw)) value[key] = raw
  }
  const problems = [...Value.Errors(ConfigSchema, value)].map((error) => {
    const key = error.path.replace(/^\//, '')
    const expected = ConfigSchema.properties[key as keyof RawConfig]?.description ?? error.message
    return `${key}=${JSON.stringify(picked[key])} is not valid (${expected}; ${error.message})`
  })
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  ${[...new Set(problems)].join('\n  ')}`)
  }
  const raw = value as unknown as RawConfig
  const dataDir = path.resolve(cwd, raw.DATA_DIR)
  return {
    ...raw,
    dataDir,
    appDir: path.resolve(cwd, raw.APP_DIR),
    databaseFile: path.join(dataDir, 'giao-uoc.sqlite'),
    uploadsDir: path.join(dataDir, 'uploads'),
    photosDir: path.join(dataDir, 'photos'),
    photoBucket: raw.PHOTO_STORE
      ? { url: raw.PHOTO_STORE, endpoint: raw.S3_ENDPOINT, region: raw.S3_REGION, forcePathStyle: raw.S3_FORCE_PATH_STYLE ?? raw.S3_ENDPOINT !== undefined }
      : null,
    thumbsDir: path.join(dataDir, 'thumbs'),
    publicUrl: (raw.PUBLIC_URL ?? `http://${localName(raw.HOST)}:${raw.PORT}`).replace(/\/$/, ''),
    trustProxy: trustProxyOf(raw.TRUST_PROXY),
  }
}

/** `true`, or the proxies' addresses; false (the socket's address is the client's) when unset. */
function trustProxyOf(setting: string | undefined): boolean | string[] {
  if (setting === undefined || setting === 'false') return false
  return setting === 'true' ? true : setting.split(',')
}

/** How to write the listening address in a link opened on this computer. */
export function localName(host: string): string {
  return ['127.0.0.1', '0.0.0.0', '::', '::1'].includes(host) ? 'localhost' : host
}
