import { computed, ref, shallowRef } from 'vue'
import { defineStore } from 'pinia'
import { progressOf, type Progress, type Report } from '@/domain'
import { useFieldStore } from './field'

/**
 * The unit's progress: what the endpoint holds from the unit's other members (as the last pull
 * said) with this phone's own reports, kept current as they change; what waits to be sent apart.
 */
export const useProgressStore = defineStore('progress', () => {
  const reports = shallowRef<Report[]>([])
  const failed = ref(false)
  const field = useFieldStore()
  let started = false

  function start(): void {
    if (started) return
    started = true
    void import('@/db/reports').then(
      ({ watchCountedReports }) =>
        watchCountedReports(
          (value) => {
            reports.value = value
          },
          () => {
            failed.value = true
          },
        ),
      () => {
        failed.value = true
      },
    )
  }

  // The member's own: a phone enrolled before as someone else still holds their sent reports, which `held` counts.
  const own = computed(() => reports.value.filter((report) => report.authorId === field.data.enrollment?.memberId))
  const forUnit = computed(() => progressOf(field.data.commitments, own.value, { communeIds: field.data.communes.map((commune) => commune.id) }, field.data.held))
  const forCommune = (communeId: string): Map<string, Progress> => progressOf(field.data.commitments, own.value, { communeId }, field.data.held)

  return { reports, failed, start, forUnit, forCommune }
})
