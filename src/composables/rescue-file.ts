import { isQuotaError } from '@/db/quota'

export type { RescuePreview } from '@/rescue/phone'

/** The rescue file's code, zips and Web Crypto included: loaded only when a cadre saves or opens a file. */
export const loadRescue = () => import('@/rescue/phone')

/** Why a file could not be saved or read, as the key of its message under `settings.rescue.problems`, and the file's member to name. */
export function rescueProblem(error: unknown): { key: string; name: string } {
  if (isQuotaError(error)) return { key: 'storage-full', name: '' }
  const { problem, memberName } = (error ?? {}) as { problem?: string; memberName?: string }
  return { key: problem ?? 'failed', name: memberName ?? '' }
}
