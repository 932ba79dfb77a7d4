import { onBeforeUnmount } from 'vue'

/** `blob:` URLs for showing stored pictures, revoked when the component goes away. */
export function useObjectUrls() {
  const urls = new Map<Blob, string>()
  onBeforeUnmount(() => {
    for (const url of urls.values()) URL.revokeObjectURL(url)
    urls.clear()
  })
  return (blob: Blob): string => {
    let url = urls.get(blob)
    if (!url) {
      url = URL.createObjectURL(blob)
      urls.set(blob, url)
    }
    return url
  }
}
