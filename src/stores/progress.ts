import { computed, ref, shallowRef } from 'vue'
import { defineStore } from 'pinia'
import { progressOf, visitPlan, type Progress, type Report } from '@/domain'
import { useFieldStore } from './field'

/**
 * The unit's progress: what the endpoint holds from the unit's other members (as the last pull
 * said) with this phone's own reports, kept current as they change; what waits to be sent apart.
 * And from the same, the cadre's visit plan ("Cần làm").
 */
export const useProgressStore = defineStore('progress', () => {
  const reports = shallowRef<Report[]>([])
  const failed = ref(false)
  const field = useFieldStore()
  let started: Promise<void> | null = null

  /** Follow the phone's reports; answers once they have been read the first time. */
  function start(): Promise<void> {
    started ??= new Promise<void>((resolve) => {
      const fail = () => {
        failed.value = true
        resolve()
      }
      import('@/db/reports').then(
        ({ watchAllReports }) =>
          watchAllReports((value) => {
            reports.value = value
            resolve()
          }, fail),
        fail,
      )
    })
    return started
  }

  // The member's own: a phone enrolled before as someone else still holds their sent reports, which `held` counts.
  const own = computed(() => reports.value.filter((report) => report.authorId === field.data.enrollment?.memberId))
  const forUnit = computed(() => progressOf(field.data.commitments, own.value, { communeIds: field.data.communes.map((commune) => commune.id) }, field.data.held))
  const forCommune = (communeId: string): Map<string, Progress> => progressOf(field.data.commitments, own.value, { communeId }, field.data.held)
  const plan = computed(() =>
    visitPlan({
      now: new Date(),
      year: field.data.covenant?.year ?? null,
      communes: field.data.communes,
      commitments: field.data.commitments,
      reports: own.value,
      held: field.data.held,
      lastVisits: field.data.lastVisits,
    }),
  )

  return { reports, failed, start, forUnit, forCommune, plan }
})
