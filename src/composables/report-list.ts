import { nextTick, onBeforeUnmount, ref, shallowRef, watch } from 'vue'
import { MARKS } from './marks'
import type { Report, ReportState } from '@/domain'

export const PAGE_SIZE = 50
const emptyCounts = (): Record<ReportState, number> => ({ draft: 0, queued: 0, sending: 0, accepted: 0, rejected: 0 })

/**
 * A live page of the reports on this phone, newest first: by state, for one commune or all,
 * with a search that ignores diacritics. "Show more" grows the page; only the page is read.
 */
export function useReportList(communeId?: string) {
  const state = ref<ReportState | 'all'>('all')
  const search = ref('')
  const limit = ref(PAGE_SIZE)
  const reports = shallowRef<Report[]>([])
  const counts = ref(emptyCounts())
  const failed = ref(false)
  let stop: (() => void) | null = null
  let debounce: ReturnType<typeof setTimeout> | null = null

  async function subscribe(): Promise<void> {
    const { watchReports } = await import('@/db/reports')
    stop?.()
    stop = watchReports(
      { state: state.value === 'all' ? undefined : state.value, communeId, search: search.value, limit: limit.value },
      (page) => {
        reports.value = page.reports
        counts.value = page.counts
        failed.value = false
        // For `npm run bench` (local-scale): the list's first page is on screen from here.
        void nextTick(() => performance.mark(MARKS.reportsListed))
      },
      () => {
        failed.value = true
      },
    )
  }

  watch([state, limit], () => void subscribe(), { immediate: true })
  watch(search, () => {
    if (debounce) clearTimeout(debounce)
    debounce = setTimeout(() => {
      limit.value = PAGE_SIZE
      void subscribe()
    }, 200)
  })
  onBeforeUnmount(() => {
    stop?.()
    if (debounce) clearTimeout(debounce)
  })

  const showMore = (): void => {
    limit.value += PAGE_SIZE
  }

  return { state, search, reports, counts, failed, limit, showMore }
}
