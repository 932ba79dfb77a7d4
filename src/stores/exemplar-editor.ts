import { computed, ref, shallowRef } from 'vue'
import { defineStore } from 'pinia'
import { checkExemplar, EXEMPLAR_LIMITS, isExemplarEditable, type Exemplar, type Problem } from '@/domain'
import type { PhotoRow } from '@/db/database'
import { estimateStorage, freeBytesOf, isQuotaError } from '@/db/quota'
import { SAVE_DELAY_MS, type SaveState } from './report-editor'
import { useFieldStore } from './field'

export type ExemplarProblem = 'storageFull' | 'storageLow' | 'locked' | 'saveFailed' | 'tooManyPhotos'

/** What the cadre writes of a case; the rest is the phone's to fill. */
export type ExemplarChange = Partial<Pick<Exemplar, 'covenantId' | 'kind' | 'nominee' | 'role' | 'story'>>

const loadExemplars = () => import('@/db/exemplars')
const loadReports = () => import('@/db/reports')

/**
 * The exemplary case (điển hình tiên tiến) being written, and the phone's list of them. It
 * works as the report editor does: every change is saved to IndexedDB shortly after it is made,
 * so the draft survives the app being closed, and "Gửi đề xuất" checks the case and queues it
 * in the same transaction that saves it; the outbox store sees the new row and sends it.
 */
export const useExemplarEditor = defineStore('exemplar-editor', () => {
  const exemplar = shallowRef<Exemplar | null>(null)
  /** Whether the case exists in IndexedDB yet: a new case is stored at its first change. */
  const stored = ref(false)
  const photos = shallowRef<PhotoRow[]>([])
  const saveState = ref<SaveState>('idle')
  const problem = ref<ExemplarProblem | null>(null)
  const problems = ref<Problem[]>([])
  /** The phone's cases, newest change first, while a screen watches them (`watchList`). */
  const list = shallowRef<Exemplar[]>([])
  const listLoaded = ref(false)
  const listFailed = ref(false)
  let timer: ReturnType<typeof setTimeout> | null = null
  let saving: Promise<void> = Promise.resolve()

  const field = useFieldStore()
  /** A case is put forward in the covenant the phone follows: without one, none can be written. */
  const canCreate = computed(() => field.data.enrollment !== null && field.data.covenant !== null)
  const editable = computed(() => exemplar.value !== null && isExemplarEditable(exemplar.value))
  /** The years a case may be put forward in: the one the phone follows, and any earlier year the bloc is still evaluating. */
  const years = computed(() => {
    const { covenant, evaluating } = field.data
    return covenant ? [{ covenantId: covenant.id, year: covenant.year, evaluating: false }, ...evaluating.map((item) => ({ ...item, evaluating: true }))] : []
  })

  function reset(next: Exemplar | null, isStored: boolean): void {
    exemplar.value = next
    stored.value = isStored
    problems.value = []
    problem.value = null
    saveState.value = isStored ? 'saved' : 'idle'
  }

  /** Start a new case: nothing is stored until the cadre changes something. False when the phone has no covenant to put it forward in. */
  function startNew(now = new Date()): boolean {
    const { enrollment, member, covenant } = field.data
    if (!enrollment || !covenant) {
      reset(null, false)
      return false
    }
    reset(
      {
        id: crypto.randomUUID(),
        unitId: member?.unitId ?? enrollment.unitId,
        authorId: enrollment.memberId,
        covenantId: covenant.id,
        kind: 'individual',
        nominee: '',
        role: '',
        story: '',
        photoIds: [],
        state: 'draft',
        rejection: null,
        receipt: null,
        revision: 0,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      },
      false,
    )
    photos.value = []
    return true
  }

  /** Open a stored case, editable or not. */
  async function open(id: string): Promise<boolean> {
    await flush()
    const { getExemplar } = await loadExemplars()
    const found = await getExemplar(id)
    if (!found) return false
    photos.value = await (await loadReports()).getPhotos(found.photoIds)
    reset(found, true)
    return true
  }

  /** Change the case; it is saved after a short pause. */
  function update(change: ExemplarChange): void {
    if (!exemplar.value || !editable.value) return
    exemplar.value = { ...exemplar.value, ...change }
    saveState.value = 'saving'
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => void flush(), SAVE_DELAY_MS)
  }

  /** Save now whatever is waiting. Safe to call often; saves run one after another. */
  function flush(): Promise<void> {
    return timer === null ? saving : saveNow()
  }

  /** "Lưu nháp": save the case now, a new one too. */
  function saveNow(): Promise<void> {
    if (timer) clearTimeout(timer)
    timer = null
    const snapshot = exemplar.value
    if (snapshot && isExemplarEditable(snapshot)) saving = saving.then(() => persist(snapshot))
    return saving
  }

  async function persist(snapshot: Exemplar): Promise<void> {
    try {
      const saved = await (await loadExemplars()).saveExemplar(snapshot, new Date())
      stored.value = true
      // Keep what was typed while saving; take the stored revision, state and times.
      if (exemplar.value?.id === saved.id) exemplar.value = { ...exemplar.value, revision: saved.revision, state: saved.state, updatedAt: saved.updatedAt }
      saveState.value = timer ? 'saving' : 'saved'
      problem.value = null
    } catch (error) {
      saveState.value = 'error'
      problem.value = isQuotaError(error) ? 'storageFull' : error instanceof Error && error.name === 'ReportLockedError' ? 'locked' : 'saveFailed'
    }
  }

  /** "Gửi đề xuất": check the case; when it passes, save and queue it in one transaction. */
  async function send(now = new Date()): Promise<boolean> {
    if (!exemplar.value || !editable.value) return false
    problems.value = checkExemplar(exemplar.value)
    if (problems.value.length) return false
    await flush()
    try {
      exemplar.value = await (await loadExemplars()).queueExemplar(exemplar.value, now)
      stored.value = true
      saveState.value = 'saved'
      problem.value = null
      return true
    } catch (error) {
      saveState.value = 'error'
      problem.value = isQuotaError(error) ? 'storageFull' : error instanceof Error && error.name === 'ReportLockedError' ? 'locked' : 'saveFailed'
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

  /** Add a compressed photo (from `preparePhoto`). A case holds at most `EXEMPLAR_LIMITS.maxPhotos`. */
  async function addPhoto(photo: Omit<PhotoRow, 'id' | 'reportId' | 'caption' | 'createdAt' | 'location'>): Promise<boolean> {
    if (!exemplar.value || !editable.value) return false
    if (exemplar.value.photoIds.length >= EXEMPLAR_LIMITS.maxPhotos) {
      problem.value = 'tooManyPhotos'
      return false
    }
    // A photo belongs to a stored case: store a new one first.
    await (stored.value ? flush() : saveNow())
    if (!stored.value) return false
    try {
      const now = new Date()
      const row: PhotoRow = { ...photo, id: crypto.randomUUID(), reportId: exemplar.value.id, caption: '', createdAt: now.toISOString(), location: null }
      const saved = await (await loadExemplars()).addExemplarPhoto(row, now)
      exemplar.value = { ...exemplar.value, photoIds: saved.photoIds, revision: saved.revision, updatedAt: saved.updatedAt }
      photos.value = [...photos.value, row]
      problem.value = null
      return true
    } catch (error) {
      problem.value = isQuotaError(error) ? 'storageFull' : error instanceof Error && error.name === 'ReportLockedError' ? 'locked' : 'saveFailed'
      return false
    }
  }

  async function removePhoto(photoId: string): Promise<void> {
    if (!exemplar.value || !editable.value) return
    await flush()
    try {
      const saved = await (await loadExemplars()).removeExemplarPhoto(exemplar.value.id, photoId, new Date())
      exemplar.value = { ...exemplar.value, photoIds: saved.photoIds, revision: saved.revision, updatedAt: saved.updatedAt }
      photos.value = photos.value.filter((photo) => photo.id !== photoId)
    } catch (error) {
      problem.value = error instanceof Error && error.name === 'ReportLockedError' ? 'locked' : 'saveFailed'
    }
  }

  async function setCaption(photoId: string, caption: string): Promise<void> {
    if (!editable.value) return
    photos.value = photos.value.map((photo) => (photo.id === photoId ? { ...photo, caption } : photo))
    await (await loadReports()).setPhotoCaption(photoId, caption)
  }

  /** Keep `list` current with the phone's cases until the returned function is called. */
  function watchList(): () => void {
    let stop: (() => void) | null = null
    let stopped = false
    void loadExemplars().then(({ watchExemplars }) => {
      if (stopped) return
      stop = watchExemplars(
        (rows) => {
          list.value = rows
          listLoaded.value = true
          listFailed.value = false
        },
        () => {
          listLoaded.value = listFailed.value = true
        },
      )
    })
    return () => {
      stopped = true
      stop?.()
    }
  }

  return {
    exemplar,
    stored,
    photos,
    saveState,
    problem,
    problems,
    list,
    listLoaded,
    listFailed,
    canCreate,
    editable,
    years,
    startNew,
    open,
    update,
    flush,
    saveNow,
    send,
    hasRoom,
    addPhoto,
    removePhoto,
    setCaption,
    watchList,
  }
})
