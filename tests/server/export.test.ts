import readExcelFile from 'read-excel-file/node'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AuditResponse, ExportFile } from '../../src/protocol'
import { isoDay, pushOne, reportOf } from './field'
import { testBloc, type TestBloc } from './managers'

/**
 * What the export route writes: a year's reports, entries and progress as CSV for Excel, and
 * the three as sheets of one workbook; a lead's only of their unit; each export audited.
 */

type Headers = { authorization: string }

const year = new Date().getFullYear()
const firstOfYear = `${year}-01-01`
/** A summary that needs quoting in CSV: a comma, quotes and a line break. */
const AWKWARD = 'Họp với "Ban chỉ đạo", thôn Lũng Pù\nvà thôn Sà Phìn'
const vietnameseDay = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`

const REPORT_HEADINGS = [
  'Số biên nhận',
  'Đơn vị',
  'Xã',
  'Huyện',
  'Người báo cáo',
  'Ngày đi cơ sở',
  'Giờ',
  'Tóm tắt',
  'Vĩ độ',
  'Kinh độ',
  'Độ chính xác (m)',
  'Số ảnh',
  'Ảnh đã nhận',
  'Lần sửa',
  'Thời điểm tiếp nhận (UTC)',
  'Kết quả xem xét',
  'Ý kiến',
  'Dữ liệu mẫu',
]
const ENTRY_HEADINGS = ['Số biên nhận', 'Đơn vị', 'Xã', 'Ngày đi cơ sở', 'STT', 'Nội dung giao ước', 'Trạng thái', 'Số lượng', 'Đơn vị tính', 'Ghi chú', 'Dữ liệu mẫu']
const PROGRESS_HEADINGS = [
  'Đơn vị',
  'STT',
  'Nhóm tiêu chí',
  'Nội dung giao ước',
  'Chỉ tiêu',
  'Đơn vị tính',
  'Đã thực hiện',
  'Tỷ lệ',
  'Số báo cáo',
  'Đánh giá',
  'Điểm tối đa',
  'Dữ liệu mẫu',
]

/** RFC 4180 as Excel reads it: quoted fields may hold commas, doubled quotes and line breaks; rows end with CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let at = 0; at < text.length; at++) {
    const char = text[at]
    if (quoted) {
      if (char === '"' && text[at + 1] === '"') {
        cell += '"'
        at++
      } else if (char === '"') quoted = false
      else cell += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      row.push(cell)
      cell = ''
    } else if (char === '\r' && text[at + 1] === '\n') {
      rows.push([...row, cell])
      row = []
      cell = ''
      at++
    } else cell += char
  }
  expect(cell + row.join(''), 'the file ends with a line break').toBe('')
  return rows
}

let bloc: TestBloc
let receipts: { own: string; awkward: string; other: string }
/** The receipts in the order the reports sheet lists them: by visit day, then receipt. */
let reportOrder: string[]

beforeAll(async () => {
  bloc = await testBloc()
  const { app, admin, own } = bloc
  const awkward = reportOf(own.field, { communeId: own.field.communes[1]?.id ?? '', visitDate: firstOfYear, visitTime: '', summary: AWKWARD, location: null })
  const pushed = await pushOne(app, own.field, awkward)
  expect(pushed.outcome).toBe('accepted')
  const review = await app.inject({
    method: 'POST',
    url: `/api/reports/${own.report.id}/reviews`,
    headers: admin,
    payload: { status: 'needs_more', comment: 'Thiếu ảnh, cần bổ sung', revision: 1 },
  })
  expect(review.statusCode).toBe(201)
  const numbers = await app.db.selectFrom('report').select(['id', 'receipt_number']).execute()
  const receiptOf = (id: string) => numbers.find((row) => row.id === id)?.receipt_number ?? expect.fail(`no receipt for ${id}`)
  receipts = { own: receiptOf(own.report.id), awkward: receiptOf(awkward.id), other: receiptOf(bloc.other.report.id) }
  const today = isoDay(new Date())
  reportOrder = [`${firstOfYear} ${receipts.awkward}`, `${today} ${receipts.own}`, `${today} ${receipts.other}`].sort().map((key) => key.slice(11))
}, 60_000)

async function download(file: ExportFile, headers: Headers = bloc.admin, query = '') {
  const response = await bloc.app.inject({ method: 'GET', url: `/api/export/${file}${query}`, headers })
  expect(response.statusCode, response.body).toBe(200)
  return response
}

async function csv(file: Exclude<ExportFile, 'covenant.xlsx'>, headers?: Headers, query?: string): Promise<string[][]> {
  const response = await download(file, headers, query)
  expect(response.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
  return parseCsv(response.rawPayload.subarray(3).toString('utf8'))
}

describe('GET /api/export/*.csv', () => {
  it.each<[Exclude<ExportFile, 'covenant.xlsx'>]>([['reports.csv'], ['entries.csv'], ['progress.csv']])(
    '%s is UTF-8 with a BOM, for Excel, saved under the year’s name',
    async (file) => {
      const response = await download(file)
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8')
      expect(response.headers['content-disposition']).toBe(`attachment; filename="giao-uoc-${year}-${file}"`)
      expect(response.headers['cache-control']).toBe('no-store')
      expect([...response.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
      expect(response.rawPayload.subarray(3).toString('utf8')).toMatch(/^[^\r\n]+\r\n/)
    },
  )

  it('reports.csv: one row per report, oldest visit first, with days as dd/MM/yyyy', async () => {
    const [headings, ...rows] = await csv('reports.csv')
    expect(headings).toEqual(REPORT_HEADINGS)
    expect(rows.map((row) => row[0])).toEqual(reportOrder)
    for (const row of rows) expect(row).toHaveLength(REPORT_HEADINGS.length)

    const own = rows.find((row) => row[0] === receipts.own) ?? expect.fail('no row for the own report')
    expect(own).toEqual([
      receipts.own,
      'Ban Dân vận Tỉnh ủy',
      'Lao Và Chải',
      'Yên Minh',
      'Lý Thị Dua',
      vietnameseDay(isoDay(new Date())),
      '08:30',
      bloc.own.report.summary,
      '23.1',
      '105.2',
      '12',
      '1',
      '1',
      '1',
      expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/) as string,
      'Cần bổ sung',
      'Thiếu ảnh, cần bổ sung',
      // Written by a cadre of the demo `npm start` seeds.
      'Mẫu',
    ])
    expect(rows.find((row) => row[0] === receipts.awkward)).toEqual([
      receipts.awkward,
      'Ban Dân vận Tỉnh ủy',
      'Sủng Thài',
      'Yên Minh',
      'Lý Thị Dua',
      vietnameseDay(firstOfYear),
      '',
      AWKWARD,
      '',
      '',
      '',
      '0',
      '0',
      '1',
      expect.any(String) as string,
      '',
      '',
      'Mẫu',
    ])
  })

  it('quotes a field only where it needs it', async () => {
    const text = (await download('reports.csv')).rawPayload.toString('utf8')
    expect(text).toContain(',"Họp với ""Ban chỉ đạo"", thôn Lũng Pù\nvà thôn Sà Phìn",')
    expect(text).toContain(`,${vietnameseDay(firstOfYear)},,`)
    expect(text).toContain(',Ban Dân vận Tỉnh ủy,Lao Và Chải,Yên Minh,Lý Thị Dua,')
    expect(text).toContain(',"Thiếu ảnh, cần bổ sung",Mẫu\r\n')
  })

  it('entries.csv: one row per entry, reports in the order of reports.csv, entries in the covenant’s', async () => {
    const [headings, ...rows] = await csv('entries.csv')
    expect(headings).toEqual(ENTRY_HEADINGS)
    expect(rows.map((row) => row[0])).toEqual(reportOrder.flatMap((receipt) => (receipt === receipts.awkward ? [receipt] : [receipt, receipt])))
    const own = rows.filter((row) => row[0] === receipts.own)
    expect(own).toEqual([
      [receipts.own, 'Ban Dân vận Tỉnh ủy', 'Lao Và Chải', vietnameseDay(isoDay(new Date())), '1', 'Hoàn thành các mục tiêu, nhiệm vụ năm', 'Hoàn thành', '', '', '', 'Mẫu'],
      [
        receipts.own,
        'Ban Dân vận Tỉnh ủy',
        'Lao Và Chải',
        vietnameseDay(isoDay(new Date())),
        '5',
        '"Chung tay vì người nghèo": hộ nghèo được hỗ trợ',
        'Đang thực hiện',
        '3',
        'hộ',
        'Ba hộ nghèo',
        'Mẫu',
      ],
    ])
    // The awkward report has one entry that says something, the other unit's two.
    expect(rows.filter((row) => row[0] === receipts.awkward).map((row) => row[4])).toEqual(['1'])
    expect(rows.filter((row) => row[0] === receipts.other)).toHaveLength(2)
    expect(rows).toHaveLength(5)
  })

  it('progress.csv: one row per unit × commitment, the ratio in percent', async () => {
    const [headings, ...rows] = await csv('progress.csv')
    expect(headings).toEqual([...PROGRESS_HEADINGS.slice(0, 7), 'Tỷ lệ (%)', ...PROGRESS_HEADINGS.slice(8)])
    expect(rows).toHaveLength(6 * 9)
    const own = rows.filter((row) => row[0] === 'Ban Dân vận Tỉnh ủy')
    expect(own.map((row) => row[1])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9'])
    expect(own[0]).toEqual(['Ban Dân vận Tỉnh ủy', '1', 'Nhiệm vụ chính trị', 'Hoàn thành các mục tiêu, nhiệm vụ năm', '', '', '1', '100', '2', 'Hoàn thành', '20', 'Mẫu'])
    // Three poor households of a target of 20 in each of two communes.
    expect(own[2]).toEqual([
      'Ban Dân vận Tỉnh ủy',
      '3',
      'Học tập và làm theo Bác',
      'Sinh hoạt chuyên đề gắn với Chỉ thị 03 "Nói đi đôi với làm"',
      '12',
      'buổi',
      '0',
      '0',
      '0',
      'Chậm tiến độ',
      '10',
      'Mẫu',
    ])
    expect(own[4]).toEqual([
      'Ban Dân vận Tỉnh ủy',
      '5',
      'Phong trào chuyên đề',
      '"Chung tay vì người nghèo": hộ nghèo được hỗ trợ',
      '40',
      'hộ',
      '3',
      '7.5',
      '1',
      expect.any(String),
      '10',
      'Mẫu',
    ])
    expect(own[6]).toEqual(['Ban Dân vận Tỉnh ủy', '7', 'Xây dựng Đảng', 'Cơ quan, đoàn thể vững mạnh', '', '', '0', '0', '0', 'Chưa đến hạn', '10', 'Mẫu'])
    const office = rows.filter((row) => row[0] === 'Văn phòng Tỉnh ủy')
    expect(office[4]?.slice(4, 9)).toEqual(['20', 'hộ', '0', '0', '0'])
  })

  it('names a retired commitment as such', async () => {
    const retired = bloc.own.field.commitments.find((item) => item.order === 8) ?? expect.fail('no commitment 8')
    expect((await bloc.app.inject({ method: 'POST', url: `/api/commitments/${retired.id}/retire`, headers: bloc.admin, payload: { retired: true } })).statusCode).toBe(200)
    try {
      const [, ...rows] = await csv('progress.csv', bloc.admin, `?unitId=${bloc.own.unitId}`)
      expect(rows[7]?.[3]).toBe('Nếp sống văn minh, văn hóa công sở (thôi áp dụng)')
    } finally {
      await bloc.app.inject({ method: 'POST', url: `/api/commitments/${retired.id}/retire`, headers: bloc.admin, payload: { retired: false } })
    }
  })
})

describe('GET /api/export/covenant.xlsx', () => {
  it('is a workbook with the reports, entries and progress sheets, read back as written', async () => {
    const response = await download('covenant.xlsx')
    expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    expect(response.headers['content-disposition']).toBe(`attachment; filename="giao-uoc-${year}-covenant.xlsx"`)
    const sheets = await readExcelFile(response.rawPayload)
    expect(sheets.map((sheet) => sheet.sheet)).toEqual(['Báo cáo', 'Nội dung', 'Tiến độ'])
    const [reports, entries, progress] = sheets.map((sheet) => sheet.data as unknown[][])

    expect(reports?.[0]).toEqual(REPORT_HEADINGS)
    expect(reports?.slice(1).map((row) => row[0])).toEqual(reportOrder)
    const awkward = reports?.find((row) => row[0] === receipts.awkward) ?? []
    expect(awkward[5]).toEqual(new Date(`${firstOfYear}T00:00:00Z`))
    expect(awkward[7]).toBe(AWKWARD)
    const own = reports?.find((row) => row[0] === receipts.own) ?? []
    expect(own.slice(8, 14)).toEqual([23.1, 105.2, 12, 1, 1, 1])
    expect(own.slice(15)).toEqual(['Cần bổ sung', 'Thiếu ảnh, cần bổ sung', 'Mẫu'])

    expect(entries?.[0]).toEqual(ENTRY_HEADINGS)
    expect(entries?.slice(1)).toHaveLength(5)
    expect(entries?.find((row) => row[0] === receipts.own && row[4] === 5)).toEqual([
      receipts.own,
      'Ban Dân vận Tỉnh ủy',
      'Lao Và Chải',
      new Date(`${isoDay(new Date())}T00:00:00Z`),
      5,
      '"Chung tay vì người nghèo": hộ nghèo được hỗ trợ',
      'Đang thực hiện',
      3,
      'hộ',
      'Ba hộ nghèo',
      'Mẫu',
    ])

    expect(progress?.[0]).toEqual(PROGRESS_HEADINGS)
    expect(progress?.slice(1)).toHaveLength(6 * 9)
    const cell = progress?.find((row) => row[0] === 'Ban Dân vận Tỉnh ủy' && row[1] === 5)
    expect(cell).toEqual([
      'Ban Dân vận Tỉnh ủy',
      5,
      'Phong trào chuyên đề',
      '"Chung tay vì người nghèo": hộ nghèo được hỗ trợ',
      40,
      'hộ',
      3,
      0.075,
      1,
      expect.any(String),
      10,
      'Mẫu',
    ])
  })
})

describe('a lead’s export', () => {
  it.each<[ExportFile]>([['reports.csv'], ['entries.csv'], ['progress.csv'], ['covenant.xlsx']])('%s holds only their unit’s rows', async (file) => {
    const response = await download(file, bloc.own.lead)
    const tables =
      file === 'covenant.xlsx' ? (await readExcelFile(response.rawPayload)).map((sheet) => sheet.data as unknown[][]) : [parseCsv(response.rawPayload.subarray(3).toString('utf8'))]
    for (const table of tables) {
      const unitColumn = (table[0] ?? []).indexOf('Đơn vị')
      const rows = table.slice(1)
      expect(rows.length).toBeGreaterThan(0)
      expect(new Set(rows.map((row) => row[unitColumn]))).toEqual(new Set(['Ban Dân vận Tỉnh ủy']))
      expect(rows.flat().some((value) => typeof value === 'string' && value.includes('Tuyên giáo'))).toBe(false)
    }
  })

  it('is the same as the admin’s export of that unit', async () => {
    const byLead = await csv('entries.csv', bloc.own.lead)
    expect(await csv('entries.csv', bloc.admin, `?unitId=${bloc.own.unitId}`)).toEqual(byLead)
    expect(
      byLead
        .slice(1)
        .map((row) => row[0])
        .sort(),
    ).toEqual([receipts.own, receipts.own, receipts.awkward].sort())
  })
})

describe('exports and the audit log', () => {
  it('writes each export to the audit log, with its file, year and unit', async () => {
    await download('reports.csv')
    await download('covenant.xlsx', bloc.own.lead)
    const { entries } = (await bloc.app.inject({ method: 'GET', url: '/api/audit?limit=2', headers: bloc.admin })).json<AuditResponse>()
    expect(entries.map(({ action, actorName, unitId, details }) => ({ action, actorName, unitId, details }))).toEqual([
      { action: 'export', actorName: 'Phạm Thị Lan', unitId: bloc.own.unitId, details: { file: 'covenant.xlsx', year } },
      { action: 'export', actorName: expect.any(String) as string, unitId: null, details: { file: 'reports.csv', year } },
    ])
  })

  it('answers 404 for a year without a covenant, and logs nothing', async () => {
    const before = (await bloc.app.inject({ method: 'GET', url: '/api/audit', headers: bloc.admin })).json<AuditResponse>().total
    const response = await bloc.app.inject({ method: 'GET', url: `/api/export/reports.csv?year=${year + 30}`, headers: bloc.admin })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toMatchObject({ code: 'not_found' })
    expect((await bloc.app.inject({ method: 'GET', url: '/api/audit', headers: bloc.admin })).json<AuditResponse>().total).toBe(before)
  })
})

describe('text a spreadsheet would run', () => {
  it('is written as text in CSV, behind an apostrophe; numbers are left as they are', async () => {
    const fresh = await testBloc()
    const formula = '=HYPERLINK("http://example.com","Bấm vào đây")'
    const report = reportOf(fresh.own.field, { summary: formula, location: { latitude: -1.5, longitude: 105.2, accuracy: 12, takenAt: new Date().toISOString() } })
    expect((await pushOne(fresh.app, fresh.own.field, report)).outcome).toBe('accepted')
    const response = await fresh.app.inject({ method: 'GET', url: '/api/export/reports.csv', headers: fresh.admin })
    const rows = parseCsv(response.rawPayload.subarray(3).toString('utf8'))
    const row = rows.find((cells) => cells.includes(`'${formula}`)) ?? expect.fail('the formula was not written as text')
    expect(row).toContain('-1.5')
  })
})
