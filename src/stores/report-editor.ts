import { computed, ref, shallowRef } from 'vue'
import { defineStore } from 'pinia'
import {
  checkReport,
  commitmentsForReport,
  isEditable,
  isTouched,
  onCovenant,
  waitsForCovenant,
  type Commitment,
  type Problem,
  type Report,
  type ReportEntry,
  type ReportLocation,
} from '@/domain'
import type { OutboxRow, PhotoRow, UploadRow } from '@/db/database'
import { estimateStorage, freeBytesOf, isQuotaError, keepDataOnPhone } from '@/db/quota'
import { useFieldStore } from './field'

/** A photo of a report, as the phone keeps it. */
export type StoredPhoto = PhotoRow

/** Saves wait this long after the last keystroke: closing the app loses at most that. */
export const SAVE_DELAY_MS = 400

export type SaveState = 'idle' | 'saving' | 'saved' | 'error'
export type EditorProblem = 'storageFull' | 'storageLow' | 'locked' | 'saveFailed'

const loadReports = () => import('@/db/reports')

const localDay = (now: Date) => `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`

/**
 * The report being written. Every change is saved to IndexedDB shortly after it is made (and
 * at once when the app is hidden), so the draft survives the app being closed; "Gửi" checks
 * the report and queues it in the same transaction that saves it.
 */
export const useReportEditor = defineStore('report-editor', () => {
  const report = shallowRef<Report | null>(null)
  /** Whether the report exists in IndexedDB yet: a new report is stored at its first change. */
  const stored = ref(false)
  const photos = shallowRef<PhotoRow[]>([])
  const saveState = ref<SaveState>('idle')
  const problem = ref<EditorProblem | null>(null)
  const problems = ref<Problem[]>([])
  /** For a report being shown (`follow`): its place in the queue and its photo uploads. */
  const queued = shallowRef<OutboxRow | null>(null)
  const uploads = shallowRef<UploadRow[]>([])
  let timer: ReturnType<typeof setTimeout> | null = null
  let saving: Promise<void> = Promise.resolve()
  let stopFollowing: (() => void) | null = null

  const field = useFieldStore()
  /**
   * The commitments of the report's own year when it is not the one the phone follows: a report
   * of last year corrected after the new covenant came (a reviewer asked for more while the year
   * is evaluated) is written and checked against last year's commitments, which the phone keeps.
   */
  const yearCommitments = shallowRef<{ covenantId: string; commitments: Commitment[] } | null>(null)
  function commitmentsFor(covenantId: string | undefined): Commitment[] {
    const year = yearCommitments.value
    return year && year.covenantId === covenantId && year.commitments.length ? year.commitments : field.data.commitments
  }
  const commitments = computed(() => commitmentsForReport(commitmentsFor(report.value?.covenantId)))
  /** The report's covenant is signed and its evaluation not begun: a sent report may still be corrected. */
  const yearOpen = computed(() => {
    const { covenant } = field.data
    return covenant !== null && report.value?.covenantId === covenant.id && covenant.status === 'signed'
  })
  const editable = computed(() => report.value !== null && isEditable(report.value, yearOpen.value))

  /** What was written for a commitment the cadre unticked: back if it is ticked again while the report is open. */
  const setAside = new Map<string, ReportEntry>()

  /** Start a new report about `communeId`: nothing is stored until the cadre changes something. */
  function startNew(communeId: string, now = new Date()): void {
    const { enrollment, member, covenant } = field.data
    if (!enrollment || !covenant) return
    unfollow()
    report.value = {
      id: crypto.randomUUID(),
      unitId: member?.unitId ?? enrollment.unitId,
      communeId,
      authorId: enrollment.memberId,
      covenantId: covenant.id,
      visitDate: localDay(now),
      visitTime: '',
      summary: '',
      location: null,
      entries: [],
      photoIds: [],
      state: 'draft',
      rejection: null,
      receipt: null,
      revision: 0,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    }
    stored.value = false
    setAside.clear()
    photos.value = []
    problems.value = []
    problem.value = null
    saveState.value = 'idle'
  }

  /** The report on the covenant of its visit's year where the phone now has it. */
  function onPhoneCovenant(found: Report): Report {
    const { covenant } = field.data
    return covenant && isEditable(found) ? onCovenant(found, covenant, field.data.commitments) : found
  }

  /** The report as its checklist shows it: an untouched entry (drafts once kept one for every commitment) is not a tick. */
  function asChecklist(found: Report): Report {
    const current = onPhoneCovenant(found)
    return { ...current, entries: current.entries.filter(isTouched) }
  }

  /** The visit is in a year whose covenant the phone does not have yet: the report waits as a draft. */
  const waiting = computed(() => report.value !== null && waitsForCovenant(report.value.visitDate, field.data.covenant))

  /** Open a stored report. */
  async function open(id: string): Promise<boolean> {
    unfollow()
    await flush()
    const { getReport, getPhotos } = await loadReports()
    const found = await getReport(id)
    if (!found) return false
    const { covenantId } = onPhoneCovenant(found)
    const { commitmentsOf } = await import('@/db/reference')
    yearCommitments.value = covenantId === field.data.covenant?.id ? null : { covenantId, commitments: await commitmentsOf(covenantId) }
    report.value = asChecklist(found)
    setAside.clear()
    photos.value = await getPhotos(found.photoIds)
    stored.value = true
    problems.value = []
    problem.value = null
    saveState.value = 'saved'
    return true
  }

  /** Show a stored report and keep it current as the sync sends it (state, receipt, uploads). */
  async function follow(id: string): Promise<boolean> {
    if (!(await open(id))) return false
    const { watchReportStatus } = await import('@/db/outbox')
    stopFollowing = watchReportStatus(
      id,
      (status) => {
        // Gone from the phone while shown (removed by the bloc, deleted in another tab): nothing to show.
        report.value = status.report ? asChecklist(status.report) : null
        photos.value = status.photos
        queued.value = status.queued
        uploads.value = status.uploads
      },
      () => undefined,
    )
    return true
  }

  function unfollow(): void {
    stopFollowing?.()
    stopFollowing = null
    queued.value = null
    uploads.value = []
  }

  /** Change the report; it is saved after a short pause. */
  function update(change: Partial<Pick<Report, 'visitDate' | 'visitTime' | 'summary' | 'location'>>): void {
    if (!report.value || !editable.value) return
    report.value = { ...report.value, ...change }
    schedule()
  }

  function updateEntry(commitmentId: string, change: Partial<Omit<ReportEntry, 'commitmentId'>>): void {
    if (!report.value || !editable.value) return
    report.value = {
      ...report.value,
      entries: report.value.entries.map((entry) => (entry.commitmentId === commitmentId ? { ...entry, ...change } : entry)),
    }
    schedule()
  }

  /** Tick a commitment this visit served (it opens for status, amount and note), or untick it. */
  function tick(commitmentId: string, on: boolean): void {
    if (!report.value || !editable.value) return
    const { entries } = report.value
    const current = entries.find((entry) => entry.commitmentId === commitmentId)
    if (on === Boolean(current)) return
    if (current) {
      setAside.set(commitmentId, current)
      report.value = { ...report.value, entries: entries.filter((entry) => entry !== current) }
    } else {
      report.value = { ...report.value, entries: [...entries, setAside.get(commitmentId) ?? { commitmentId, status: 'in_progress', amount: null, note: '' }] }
    }
    schedule()
  }

  function schedule(): void {
    saveState.value = 'saving'
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => void flush(), SAVE_DELAY_MS)
  }

  /** Save now whatever is waiting. Safe to call often; saves run one after another. */
  function flush(): Promise<void> {
    return timer === null ? saving : saveNow()
  }

  function saveNow(): Promise<void> {
    if (timer) clearTimeout(timer)
    timer = null
    const snapshot = report.value
    if (snapshot) saving = saving.then(() => persist(snapshot))
    return saving
  }

  async function persist(snapshot: Report): Promise<void> {
    try {
      const { saveReport } = await loadReports()
      const saved = await saveReport(snapshot, new Date())
      stored.value = true
      void keepDataOnPhone()
      // Keep what was typed while saving; take the stored revision and times.
      if (report.value?.id === saved.id) report.value = { ...report.value, revision: saved.revision, state: saved.state, updatedAt: saved.updatedAt }
      saveState.value = timer ? 'saving' : 'saved'
      problem.value = null
    } catch (error) {
      saveState.value = 'error'
      problem.value = isQuotaError(error) ? 'storageFull' : error instanceof Error && error.name === 'ReportLockedError' ? 'locked' : 'saveFailed'
    }
  }

  /** "Gửi": check the report; when it passes, save and queue it in one transaction. */
  async function send(now = new Date()): Promise<boolean> {
    if (!report.value || !editable.value) return false
    report.value = onPhoneCovenant(report.value)
    problems.value = waiting.value ? [{ field: 'visitDate', rule: 'covenantNotSigned' }] : checkReport(report.value, commitmentsFor(report.value.covenantId), localDay(now))
    if (problems.value.length) return false
    await flush()
    try {
      const { queueReport } = await loadReports()
      report.value = await queueReport(report.value, now)
      stored.value = true
      saveState.value = 'saved'
      return true
    } catch (error) {
      saveState.value = 'error'
      problem.value = isQuotaError(error) ? 'storageFull' : 'saveFailed'
      return false
    }
  }

  /** Delete the report in hand (a draft never sent, or a refused one) with its photos. */
  async function discard(): Promise<boolean> {
    if (!report.value) return false
    unfollow()
    if (timer) clearTimeout(timer)
    timer = null
    await saving
    try {
      const { deleteReport } = await loadReports()
      await deleteReport(report.value.id)
      report.value = null
      photos.value = []
      return true
    } catch {
      problem.value = 'locked'
      return false
    }
  }

  /** Call off the sending of the queued report in hand: a draft again, to change before it goes. */
  async function recall(now = new Date()): Promise<boolean> {
    if (!report.value) return false
    try {
      const { recallReport } = await loadReports()
      report.value = asChecklist(await recallReport(report.value.id, now))
      return true
    } catch {
      problem.value = 'locked'
      return false
    }
  }

  /** Whether the phone has room for more photos: false (and says so) when nearly full. */
  async function hasRoom(): Promise<boolean> {
    const free = freeBytesOf(await estimateStorage())
    if (free !== null && free < 20 * 1024 * 1024) {
      problem.value = 'storageLow'
      return false
    }
    return true
  }

  /** Add a compressed photo (from `preparePhoto`), with where the report says the cadre is. */
  async function addPhoto(photo: Omit<PhotoRow, 'id' | 'reportId' | 'caption' | 'createdAt' | 'location'>): Promise<boolean> {
    if (!report.value || !editable.value) return false
    // A photo belongs to a stored report: store a new one first.
    await (stored.value ? flush() : saveNow())
    if (!stored.value) return false
    try {
      const { addPhoto: store } = await loadReports()
      const now = new Date()
      const row: PhotoRow = { ...photo, id: crypto.randomUUID(), reportId: report.value.id, caption: '', createdAt: now.toISOString(), location: report.value.location }
      const saved = await store(row, now)
      report.value = { ...report.value, photoIds: saved.photoIds, revision: saved.revision, updatedAt: saved.updatedAt }
      photos.value = [...photos.value, row]
      problem.value = null
      return true
    } catch (error) {
      problem.value = isQuotaError(error) ? 'storageFull' : 'saveFailed'
      return false
    }
  }

  async function removePhoto(photoId: string): Promise<void> {
    if (!report.value || !editable.value) return
    await flush()
    const saved = await (await loadReports()).removePhoto(report.value.id, photoId, new Date())
    report.value = { ...report.value, photoIds: saved.photoIds, revision: saved.revision, updatedAt: saved.updatedAt }
    photos.value = photos.value.filter((photo) => photo.id !== photoId)
  }

  async function setCaption(photoId: string, caption: string): Promise<void> {
    photos.value = photos.value.map((photo) => (photo.id === photoId ? { ...photo, caption } : photo))
    await (await loadReports()).setPhotoCaption(photoId, caption)
  }

  function setLocation(location: ReportLocation | null): void {
    update({ location })
  }

  return {
    report,
    stored,
    photos,
    queued,
    uploads,
    saveState,
    problem,
    problems,
    commitments,
    editable,
    waiting,
    startNew,
    open,
    follow,
    unfollow,
    update,
    updateEntry,
    tick,
    flush,
    send,
    discard,
    recall,
    hasRoom,
    addPhoto,
    removePhoto,
    setCaption,
    setLocation,
  }
})
