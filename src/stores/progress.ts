import { computed, ref, shallowRef } from 'vue'
import { defineStore } from 'pinia'
import { progressOf, type Progress, type Report } from '@/domain'
import { useFieldStore } from './field'

/** Progress of the unit's commitments from the reports on this phone, kept current as reports change. */
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

  const forUnit = computed(() => progressOf(field.data.commitments, reports.value, { communeIds: field.data.communes.map((commune) => commune.id) }))
  const forCommune = (communeId: string): Map<string, Progress> => progressOf(field.data.commitments, reports.value, { communeId })

  return { reports, failed, start, forUnit, forCommune }
})
