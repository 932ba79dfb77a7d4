import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config'

describe('loadConfig', () => {
  it('has defaults that serve on this machine only', () => {
    const config = loadConfig({}, '/srv/giao-uoc')
    expect(config).toMatchObject({ PORT: 8080, HOST: '127.0.0.1', LOG_LEVEL: 'info' })
    expect(config.dataDir).toBe('/srv/giao-uoc/data')
    expect(config.appDir).toBe('/srv/giao-uoc/dist')
    expect(config.databaseFile).toBe(path.join('/srv/giao-uoc/data', 'giao-uoc.sqlite'))
    expect(config).toMatchObject({ PHOTO_MAX_BYTES: 10 * 1024 * 1024, uploadsDir: '/srv/giao-uoc/data/uploads', photosDir: '/srv/giao-uoc/data/photos' })
  })

  it('reads values from the environment and ignores empty ones', () => {
    const config = loadConfig({ PORT: '9000', HOST: '0.0.0.0', DATA_DIR: '/var/lib/giao-uoc', LOG_LEVEL: 'warn', APP_DIR: '', PHOTO_MAX_BYTES: '2000000' }, '/x')
    expect(config).toMatchObject({ PORT: 9000, HOST: '0.0.0.0', dataDir: '/var/lib/giao-uoc', LOG_LEVEL: 'warn', appDir: '/x/dist', PHOTO_MAX_BYTES: 2_000_000 })
  })

  it.each([
    [{ PORT: 'eighty' }, 'PORT="eighty" is not valid'],
    [{ PORT: '70000' }, 'PORT="70000" is not valid'],
    [{ PORT: '80.5' }, 'PORT="80.5" is not valid'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud" is not valid (fatal, error, warn, info, debug, trace or silent'],
    [{ PHOTO_MAX_BYTES: '10MB' }, 'PHOTO_MAX_BYTES="10MB" is not valid (largest photo upload accepted, in bytes'],
    [{ PHOTO_MAX_BYTES: '0' }, 'PHOTO_MAX_BYTES="0" is not valid'],
    [{ PHOTO_MAX_BYTES: '104857601' }, 'PHOTO_MAX_BYTES="104857601" is not valid'],
  ])('rejects %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(message)
  })

  it('names every bad value at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT="x"[\s\S]*LOG_LEVEL="y"/)
  })
})
