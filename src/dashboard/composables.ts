import { computed, onBeforeUnmount, ref, shallowRef, watch, type WatchSource } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRoute, useRouter } from 'vue-router'
import { toDashboardError, type DashboardError, type DownloadedFile } from './api'
import { useDashboardStore } from './store'
import type { ReportSummary } from '@/protocol'

/** The dashboard's typed client, bound to the session. */
export const useDashboardApi = () => useDashboardStore().api

/**
 * An answer of the endpoint for a screen: loaded now and again whenever `source` changes, with
 * its error kept for the screen to say. A newer load wins over an older one still on its way.
 */
export function useRemote<T>(load: () => Promise<T>, source?: WatchSource) {
  const data = shallowRef<T | null>(null)
  const error = shallowRef<DashboardError | null>(null)
  const loading = ref(false)
  let latest = 0

  async function reload(): Promise<void> {
    const mine = ++latest
    loading.value = true
    try {
      const value = await load()
      if (mine === latest) {
        data.value = value
        error.value = null
      }
    } catch (failure) {
      if (mine === latest) error.value = toDashboardError(failure)
    } finally {
      if (mine === latest) loading.value = false
    }
  }

  if (source) watch(source, reload, { immediate: true })
  else void reload()
  return { data, error, loading, reload }
}

/** A change sent to the endpoint from a form: busy while it goes, its error kept for the form to say. */
export function useAction() {
  const busy = ref(false)
  const error = shallowRef<DashboardError | null>(null)
  async function run<T>(send: () => Promise<T>): Promise<T | undefined> {
    busy.value = true
    error.value = null
    try {
      return await send()
    } catch (failure) {
      error.value = toDashboardError(failure)
      return undefined
    } finally {
      busy.value = false
    }
  }
  return { busy, error, run }
}

/** A dashboard error in the interface's words: the case, and each broken rule with its field. */
/**
 * Where a report stands with its reviewers: not yet reviewed, accepted, asked for more, or
 * changed since the last review (answered when asked for more, corrected after an acceptance).
 */
export function useReviewText() {
  const { t } = useI18n()
  return ({ review }: Pick<ReportSummary, 'review'>): string => {
    if (!review) return t('dashboard.reports.notReviewed')
    if (!review.answered) return t(`dashboard.report.reviewStatus.${review.status}`)
    return review.status === 'needs_more' ? t('dashboard.reports.answered') : t('dashboard.reports.correctedSinceReview')
  }
}

export function useErrorText() {
  const i18n = useI18n()
  const { t } = i18n
  return (error: DashboardError | null): string => {
    if (!error) return ''
    const rules = error.problems.map((problem) => {
      const field = i18n.te(`dashboard.fields.${problem.field}`) ? t(`dashboard.fields.${problem.field}`) : problem.field
      const rule = i18n.te(`dashboard.rules.${problem.rule}`) ? t(`dashboard.rules.${problem.rule}`) : problem.rule
      return `${field}: ${rule}`
    })
    const minutes = Math.max(1, Math.ceil(error.retryAfterMs / 60_000))
    return [t(`dashboard.errors.${error.reason}`, { minutes }), ...rules].join(' ')
  }
}

/** Save a file the endpoint sent, as the browser saves a download. */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const link = Object.assign(document.createElement('a'), { href: url, download: name })
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/**
 * A photo the endpoint serves only with the session's token, as a `blob:` URL for an `<img>`:
 * fetched whenever `load` gives a new request, revoked when it changes or the screen goes.
 */
export function useAuthorizedImage(load: WatchSource<(() => Promise<DownloadedFile>) | null>) {
  const url = ref<string | null>(null)
  const failed = ref(false)
  const release = () => {
    if (url.value) URL.revokeObjectURL(url.value)
    url.value = null
  }
  watch(
    load,
    async (next) => {
      release()
      failed.value = false
      if (!next) return
      try {
        const { blob } = await next()
        url.value = URL.createObjectURL(blob)
      } catch {
        failed.value = true
      }
    },
    { immediate: true },
  )
  onBeforeUnmount(release)
  return { url, failed }
}

/** The covenant of the year the dashboard shows, with all its commitments; null when the year has none. */
export function useCovenantOfYear() {
  const dashboard = useDashboardStore()
  const id = () => dashboard.setup?.covenants.find((item) => item.year === dashboard.shownYear)?.id ?? null
  return useRemote(async () => {
    const covenantId = id()
    return covenantId ? dashboard.api.covenant(covenantId) : null
  }, id)
}

/** A list the endpoint answers a page at a time: the first page whenever `source` changes, more on demand. */
export function usePaged<T>(loadPage: (offset: number) => Promise<{ total: number; items: T[] }>, source: WatchSource) {
  const items = shallowRef<T[]>([])
  const total = ref<number | null>(null)
  const { busy, error, run } = useAction()
  async function load(offset: number): Promise<void> {
    const page = await run(() => loadPage(offset))
    if (!page) return
    items.value = offset === 0 ? page.items : [...items.value, ...page.items]
    total.value = page.total
  }
  watch(source, () => load(0), { immediate: true })
  return { items, total, busy, error, more: () => load(items.value.length), reload: () => load(0) }
}

/** A screen's filters kept in the address (so that a figure links straight to its reports), and a way to change one. */
export function useRouteFilters<K extends string>(keys: readonly K[]) {
  const route = useRoute()
  const router = useRouter()
  const filters = computed(
    () => Object.fromEntries(keys.map((key) => [key, typeof route.query[key] === 'string' && route.query[key] ? route.query[key] : undefined])) as Record<K, string | undefined>,
  )
  function setFilter(key: K, value: string): void {
    void router.replace({ query: { ...route.query, [key]: value || undefined } })
  }
  return { filters, setFilter }
}
