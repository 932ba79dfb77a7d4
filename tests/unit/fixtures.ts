import type { PhotoRow } from '@/db/database'
import type { Commitment, Report } from '@/domain'

/** When the sample reports and photos were made. */
export const MADE_AT = '2026-11-20T02:00:00.000Z'

/** A draft visit report to Lũng Cú that marks one visit done; change what a test is about. */
export function aReport(overrides: Partial<Report> = {}): Report {
  return {
    id: crypto.randomUUID(),
    unitId: 'u1',
    communeId: 'lung-cu',
    authorId: 'm1',
    covenantId: 'cov',
    visitDate: '2026-11-20',
    visitTime: '',
    summary: 'Thăm hộ nghèo',
    location: null,
    entries: [{ commitmentId: 'visits', status: 'done', amount: 1, note: '' }],
    photoIds: [],
    state: 'draft',
    rejection: null,
    receipt: null,
    revision: 0,
    createdAt: MADE_AT,
    updatedAt: MADE_AT,
    ...overrides,
  }
}

/** A stored photo of `reportId`: 1,000 bytes and a 100-byte thumbnail. */
export function aPhoto(reportId: string, overrides: Partial<PhotoRow> = {}): PhotoRow {
  return {
    id: crypto.randomUUID(),
    reportId,
    blob: new Blob([new Uint8Array(1000)], { type: 'image/jpeg' }),
    thumbnail: new Blob([new Uint8Array(100)], { type: 'image/jpeg' }),
    type: 'image/jpeg',
    size: 1000,
    width: 1600,
    height: 1200,
    sha256: '0'.repeat(64),
    caption: '',
    takenAt: MADE_AT,
    location: null,
    createdAt: MADE_AT,
    ...overrides,
  }
}

/** A commitment of the covenant `cov`: visits to each assigned commune, 12 a year; change what a test is about. */
export function aCommitment(overrides: Partial<Commitment> = {}): Commitment {
  return {
    id: 'visits',
    covenantId: 'cov',
    group: 'Giúp đỡ xã khó khăn',
    order: 9,
    title: 'Đi cơ sở xã được phân công',
    description: '',
    measure: 'count',
    target: 12,
    unitLabel: 'lượt',
    maxPoints: 10,
    scope: 'commune',
    retiredAt: null,
    ...overrides,
  }
}
