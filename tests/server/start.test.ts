import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { appIsStale } from '../../server/start-check'
import { tempDir } from './helper'

function touch(file: string, at: Date): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, '')
  fs.utimesSync(file, at, at)
}

describe('appIsStale', () => {
  const earlier = new Date('2026-01-01T00:00:00Z')
  const later = new Date('2026-06-01T00:00:00Z')

  it('is stale when nothing is built', () => {
    const root = tempDir()
    touch(path.join(root, 'src', 'main.ts'), earlier)
    expect(appIsStale(path.join(root, 'dist'), root)).toBe(true)
  })

  it('is fresh when the build is newer than every source', () => {
    const root = tempDir()
    touch(path.join(root, 'src', 'views', 'A.vue'), earlier)
    fs.utimesSync(path.join(root, 'src', 'views'), earlier, earlier)
    fs.utimesSync(path.join(root, 'src'), earlier, earlier)
    touch(path.join(root, 'dist', 'index.html'), later)
    expect(appIsStale(path.join(root, 'dist'), root)).toBe(false)
  })

  it('is stale when a source deep in src changed after the build', () => {
    const root = tempDir()
    touch(path.join(root, 'dist', 'index.html'), earlier)
    touch(path.join(root, 'src', 'views', 'A.vue'), later)
    expect(appIsStale(path.join(root, 'dist'), root)).toBe(true)
  })
})
