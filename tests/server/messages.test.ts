import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { exportMessages, pushMessages, uploadMessages } from '../../server/messages'

/**
 * Where the endpoint and the app say the same thing, they say it in the same words: each pair
 * is an endpoint text and the key of the app's text it must match. Read from the JSON files
 * (the endpoint imports nothing of the app).
 */

type Messages = { [key: string]: string | Messages }
const read = (file: string) => JSON.parse(fs.readFileSync(new URL(`../../src/i18n/locales/${file}`, import.meta.url), 'utf8')) as Messages
const phone = read('vi.json')
const dashboard = read('dashboard/vi.json')

/** The app's text at a dotted key; a missing key fails the test rather than comparing with undefined. */
function textOf(messages: Messages, key: string): string {
  const found = key.split('.').reduce<string | Messages | undefined>((node, part) => (typeof node === 'object' ? node[part] : undefined), messages)
  if (typeof found !== 'string') throw new Error(`no text at ${key}`)
  return found
}

const title = 'Tổ chức hội nghị'

describe('the endpoint says what the app says', () => {
  // The push's rejection reasons name the field or the commitment the phone's form shows beside
  // it ("đi cơ sở", «title»): without those words they are the form's own.
  it.each([
    ['visitDate:future', 'report.rules.future', ''],
    ['photos:tooMany', 'report.rules.tooMany', ''],
    ['entries:required', 'report.rules.entriesRequired', ''],
    ['visitDate:date', 'report.rules.date', ' đi cơ sở'],
    ['visitTime:time', 'report.rules.time', ' đi cơ sở'],
  ])('a report’s %s is the form’s %s', (rule, key, naming) => {
    expect(pushMessages.rules[rule]?.replace(naming, '')).toBe(textOf(phone, key))
  })

  it.each([
    ['amount', 'report.rules.amount', ` của nội dung «${title}»`, ''],
    ['wholeNumber', 'report.rules.wholeNumber', ` của nội dung «${title}»`, ''],
    ['percent', 'report.rules.percent', ` của nội dung «${title}»`, ''],
    ['amountRequired', 'report.rules.amountRequired', ` cho nội dung «${title}»`, ''],
    ['notForDone', 'report.rules.notForDone', `«${title}»`, 'này'],
  ])('an entry’s %s is the form’s %s, naming the commitment', (rule, key, naming, instead) => {
    expect(pushMessages.entryRules[rule]?.(title).replace(naming, instead)).toBe(textOf(phone, key))
  })

  it('a refused upload that is no image says so as the phone does', () => {
    const [, notAnImage] = /» (.*)\.$/.exec(textOf(phone, 'report.photoProblems.notImage')) ?? []
    expect(notAnImage).toBeTruthy()
    expect(uploadMessages.notAnImage).toContain(notAnImage)
  })

  it.each([
    ...Object.entries(exportMessages.entryStatus).map(([status, text]) => [text, `report.status.${status}`, phone] as const),
    ...Object.entries(exportMessages.review).map(([status, text]) => [text, `dashboard.report.reviewStatus.${status}`, dashboard] as const),
    ...Object.entries(exportMessages.pace).map(([pace, text]) => [text, `dashboard.pace.${pace}`, dashboard] as const),
  ])('the export’s “%s” is the app’s %s', (text, key, messages) => {
    expect(text).toBe(textOf(messages, key))
  })

  it('the export marks a retired commitment as the audit log does', () => {
    expect(exportMessages.retired).toBe(` (${textOf(dashboard, 'dashboard.audit.details.retired')})`)
  })

  const h = exportMessages.headings
  it.each([
    [exportMessages.sheets.reports, 'dashboard.nav.reports', dashboard],
    [exportMessages.sheets.progress, 'dashboard.nav.progress', dashboard],
    [h.receipt, 'dashboard.reports.receipt', dashboard],
    [h.unit, 'dashboard.reports.unit', dashboard],
    [h.commune, 'dashboard.reports.commune', dashboard],
    [h.district, 'dashboard.fields.district', dashboard],
    [h.author, 'dashboard.reports.author', dashboard],
    [h.visitDate, 'dashboard.reports.date', dashboard],
    [h.visitDate, 'report.visitDate', phone],
    [h.visitTime, 'report.visitTime', phone],
    [h.summary, 'dashboard.reports.summary', dashboard],
    [h.comment, 'dashboard.fields.comment', dashboard],
    [h.commitment, 'dashboard.reports.commitment', dashboard],
    [h.note, 'report.note', phone],
    [h.group, 'dashboard.fields.group', dashboard],
    [h.target, 'dashboard.fields.target', dashboard],
    [h.unitLabel, 'dashboard.fields.unitLabel', dashboard],
    [h.maxPoints, 'dashboard.fields.maxPoints', dashboard],
  ] as const)('the export heading “%s” is the app’s %s', (heading, key, messages) => {
    expect(heading).toBe(textOf(messages, key))
  })
})
