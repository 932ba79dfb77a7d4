import { ref } from 'vue'
import type { ReportLocation } from '@/domain'

export type LocationFailure = 'denied' | 'unavailable'

/** Ask for the position once. Never throws: a refusal or a timeout is a `failure` to show. */
export function useLocation() {
  const locating = ref(false)
  const failure = ref<LocationFailure | null>(null)

  function locate(): Promise<ReportLocation | null> {
    failure.value = null
    if (!('geolocation' in navigator)) {
      failure.value = 'unavailable'
      return Promise.resolve(null)
    }
    locating.value = true
    return new Promise((resolve) => {
      navigator.geolocation.getCurrentPosition(
        (position) => {
          locating.value = false
          resolve({
            latitude: position.coords.latitude,
            longitude: position.coords.longitude,
            accuracy: Math.round(position.coords.accuracy),
            takenAt: new Date(position.timestamp).toISOString(),
          })
        },
        (error) => {
          locating.value = false
          failure.value = error.code === error.PERMISSION_DENIED ? 'denied' : 'unavailable'
          resolve(null)
        },
        { enableHighAccuracy: true, timeout: 30_000, maximumAge: 60_000 },
      )
    })
  }

  return { locating, failure, locate }
}
