import type { CovenantStatus, EntryStatus, Pace, ReviewStatus } from '../src/domain'

/**
 * Every Vietnamese text the endpoint sends, in one place: why a pushed report is rejected and
 * why a photo upload is refused (the phone shows both to the cadre), and the words of an
 * export. Where the app says the same thing, it says it in the same words:
 * `tests/server/messages.test.ts` holds these against the app's `vi.json` files. Refusals meant
 * for developers (a bad token, a dashboard request out of scope) stay in English, beside their checks.
 */

const megabytes = new Intl.NumberFormat('vi-VN', { maximumSignificantDigits: 2 })

/** Why a pushed report is rejected (`PushResult.reason`). */
export const pushMessages = {
  wrongUnit: 'Báo cáo không thuộc đơn vị của bạn nên không được tiếp nhận.',
  notAuthor: 'Báo cáo này do cán bộ khác lập: chỉ người lập mới sửa được. Bản trên máy vẫn được giữ.',
  removed: (reason: string) => `Thường trực khối đã xoá báo cáo này khỏi hệ thống, lý do: “${reason}”. Báo cáo không được tiếp nhận lại; bạn có thể xoá bản trên máy.`,
  covenantNotActive: 'Báo cáo lập theo giao ước không còn thực hiện. Hãy đồng bộ dữ liệu rồi lập lại báo cáo theo giao ước hiện hành.',
  covenantClosed: (year: number) => `Giao ước năm ${year} đã kết thúc đánh giá: báo cáo về năm ${year} không được tiếp nhận nữa. Báo cáo vẫn được giữ trên máy.`,
  visitOutsideYear: (year: number) => `Ngày đi cơ sở không thuộc năm ${year}: giao ước năm ${year} đang đánh giá chỉ nhận các chuyến đi trong năm đó.`,
  correctionNotAsked: (year: number) => `Giao ước năm ${year} đang đánh giá: báo cáo đã gửi chỉ được sửa khi người duyệt đề nghị bổ sung.`,
  communeNotAssigned: (year: number) => `Xã trong báo cáo không được phân công cho đơn vị của bạn trong năm ${year}.`,
  unknownCommitment: (year: number) => `Báo cáo có nội dung không thuộc giao ước năm ${year}. Hãy đồng bộ dữ liệu rồi sửa lại báo cáo.`,
  /** A broken rule with no words of its own. */
  invalid: 'Báo cáo chưa hợp lệ.',
  /** The domain's rules by `field:rule`, in the words of the report form (`report.rules`). */
  rules: {
    'visitDate:date': 'Ngày đi cơ sở không hợp lệ.',
    'visitDate:future': 'Ngày đi cơ sở không được sau hôm nay.',
    'visitTime:time': 'Giờ đi cơ sở không hợp lệ (HH:mm).',
    'summary:required': 'Báo cáo chưa có phần tóm tắt.',
    'summary:tooLong': 'Phần tóm tắt quá dài.',
    'photos:tooMany': 'Quá nhiều ảnh cho một báo cáo.',
    'photos:duplicate': 'Một ảnh được đính kèm hai lần.',
    'entries:required': 'Hãy đánh dấu ít nhất một nội dung giao ước đã thực hiện.',
  } as Record<string, string>,
  /** An entry's rules, naming its commitment so the cadre finds it. */
  entryRules: {
    tooLong: (title: string) => `Ghi chú của nội dung «${title}» quá dài.`,
    notForDone: (title: string) => `Nội dung «${title}» không cần số lượng.`,
    amount: (title: string) => `Số lượng của nội dung «${title}» phải là số không âm và không quá một triệu tỷ.`,
    wholeNumber: (title: string) => `Số lượng của nội dung «${title}» phải là số nguyên.`,
    percent: (title: string) => `Tỷ lệ của nội dung «${title}» không được quá 100%.`,
    amountRequired: (title: string) => `Hãy nhập số lượng đã thực hiện cho nội dung «${title}».`,
    duplicate: (title: string) => `Nội dung «${title}» được ghi hai lần.`,
  } as Record<string, (title: string) => string>,
}

/** Why an exemplary case put forward from a phone is refused (`ExemplarResult.reason`). */
export const exemplarMessages = {
  wrongUnit: 'Đề xuất điển hình không thuộc đơn vị của bạn nên không được tiếp nhận.',
  covenantNotActive: 'Đề xuất điển hình lập theo giao ước không còn thực hiện. Hãy đồng bộ dữ liệu rồi lập lại.',
  covenantClosed: (year: number) => `Giao ước năm ${year} đã kết thúc đánh giá: không nhận thêm đề xuất điển hình cho năm ${year}. Đề xuất vẫn được giữ trên máy.`,
  photosDuplicate: 'Một ảnh được đính kèm hai lần.',
}

/** Why a photo upload is refused (the error body's `message`). */
export const uploadMessages = {
  metadataMissing: (keys: string[]) => `Thiếu thông tin của ảnh (Upload-Metadata): ${keys.join(', ')}.`,
  lengthRequired: 'Cần cho biết kích thước ảnh (Upload-Length).',
  tooLarge: (limitBytes: number) => `Ảnh quá lớn: máy chủ nhận ảnh đến ${megabytes.format(limitBytes / 1024 / 1024)} MB.`,
  notYourReport: 'Báo cáo của ảnh này không thuộc đơn vị của bạn.',
  notListed: 'Báo cáo trên máy chủ không có ảnh này, hoặc ảnh đã khác. Hãy gửi lại báo cáo trước.',
  notAnImage: 'Tệp gửi lên không phải là ảnh JPEG, PNG hay WebP.',
  hashMismatch: 'Ảnh nhận được bị sai lệch so với ảnh trên máy (SHA-256 khác). Hãy gửi lại.',
  tooManyPixels: (edge: number) => `Ảnh quá lớn về kích thước điểm ảnh (cạnh dài hơn ${edge} điểm ảnh) hoặc không đọc được kích thước. Hãy chọn lại ảnh.`,
  otherUnit: 'Ảnh này thuộc báo cáo của đơn vị khác.',
}

/** An export's sheets, headings and values, as the bloc files them. */
export const exportMessages = {
  sheets: { reports: 'Báo cáo', entries: 'Nội dung', progress: 'Tiến độ' },
  headings: {
    receipt: 'Số biên nhận',
    unit: 'Đơn vị',
    commune: 'Xã',
    district: 'Huyện',
    author: 'Người báo cáo',
    visitDate: 'Ngày đi cơ sở',
    visitTime: 'Giờ',
    summary: 'Tóm tắt',
    latitude: 'Vĩ độ',
    longitude: 'Kinh độ',
    accuracy: 'Độ chính xác (m)',
    photos: 'Số ảnh',
    photosReceived: 'Ảnh đã nhận',
    revision: 'Lần sửa',
    committedAt: 'Thời điểm tiếp nhận (UTC)',
    review: 'Kết quả xem xét',
    comment: 'Ý kiến',
    order: 'STT',
    commitment: 'Nội dung giao ước',
    status: 'Trạng thái',
    amount: 'Số lượng',
    unitLabel: 'Đơn vị tính',
    note: 'Ghi chú',
    group: 'Nhóm tiêu chí',
    target: 'Chỉ tiêu',
    done: 'Đã thực hiện',
    ratio: 'Tỷ lệ',
    reports: 'Số báo cáo',
    pace: 'Đánh giá',
    maxPoints: 'Điểm tối đa',
    demo: 'Dữ liệu mẫu',
  },
  entryStatus: { not_started: 'Chưa thực hiện', in_progress: 'Đang thực hiện', done: 'Hoàn thành' } satisfies Record<EntryStatus, string>,
  review: { accepted: 'Đã duyệt', needs_more: 'Cần bổ sung' } satisfies Record<ReviewStatus, string>,
  pace: { done: 'Hoàn thành', on_track: 'Đúng tiến độ', behind: 'Chậm tiến độ', not_due: 'Chưa đến hạn' } satisfies Record<Pace, string>,
  /** After a retired commitment's title. */
  retired: ' (thôi áp dụng)',
  /** In the demo column, for a row of what `npm start` seeded. */
  demo: 'Mẫu',
}

/** The year-end workbook: sheets, headings and values, as the bloc files them. */
export const evaluationMessages = {
  sheets: { scores: 'Bảng điểm', lines: 'Chi tiết chấm điểm', items: 'Điểm thưởng, điểm trừ' },
  headings: {
    rank: 'Xếp hạng',
    unit: 'Đơn vị',
    self: 'Tự chấm',
    bloc: 'Khối chấm',
    suggested: 'Gợi ý',
    bonus: 'Điểm thưởng',
    penalty: 'Điểm trừ',
    total: 'Tổng điểm',
    band: 'Xếp loại',
    votes: 'Số phiếu',
    order: 'STT',
    commitment: 'Nội dung giao ước',
    maxPoints: 'Điểm tối đa',
    note: 'Giải trình, nhận xét',
    stage: 'Bước chấm',
    kind: 'Loại',
    title: 'Nội dung',
    points: 'Điểm',
    reason: 'Lý do',
  },
  stage: { self: 'Tự chấm', bloc: 'Khối chấm' },
  kind: { bonus: 'Điểm thưởng', penalty: 'Điểm trừ' },
}

/** The province's workbook and what it creates, as the province files them. */
export const provinceMessages = {
  sheets: { units: 'Các khối thi đua', proposals: 'Đề nghị khen thưởng' },
  headings: {
    bloc: 'Khối thi đua',
    covenantStatus: 'Giao ước',
    met: 'Nội dung đạt',
    commitmentCount: 'Số nội dung',
    publishedAt: 'Ngày công bố',
    award: 'Hình thức khen thưởng',
    nominee: 'Tập thể, cá nhân',
    achievements: 'Thành tích',
    proposalStatus: 'Trạng thái',
  },
  covenantStatus: { draft: 'Dự thảo', signed: 'Đã ký', evaluating: 'Đang đánh giá', closed: 'Đã khép lại' } satisfies Record<CovenantStatus, string>,
  noCovenant: 'Chưa có giao ước',
  proposalStatus: { proposed: 'Đề nghị', approved: 'Đã thông qua' },
  /** The name an account of the province's office gets unless given one. */
  officeName: 'Ban Thi đua – Khen thưởng tỉnh',
  /** The title of a bloc's first admin, as the province creates them. */
  adminTitle: 'Quản trị',
}
