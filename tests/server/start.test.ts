import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { appIsStale } from '../../server/start-check'
import { banner } from '../../server/server'
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

describe('what npm start prints', () => {
  it('says where to open the app, the admin’s password once, and the demo link with its expiry in Vietnam time, in plain text', () => {
    const text = banner('http://localhost:3000', {
      admin: { username: 'admin', password: 'mật-khẩu-thử' },
      demoEnrollment: { name: 'Lý Thị Dua', code: 'ABCDE-FGHJK', link: 'http://localhost:3000/enroll#code=ABCDE-FGHJK', expiresAt: '2026-12-04T10:30:00.000Z' },
    })
    expect(text).toContain('Giao Ước is running: open http://localhost:3000')
    expect(text).toContain('Password: mật-khẩu-thử')
    expect(text).toContain('valid until 17:30 04/12/2026 (Vietnam time)')
    expect(text).toContain('  http://localhost:3000/enroll#code=ABCDE-FGHJK')
    expect(text).not.toMatch(/\x1b\[/)
  })
})
