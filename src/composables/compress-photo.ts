import { PhotoError, processPhoto, type PhotoProblem, type ProcessedPhoto } from './photo-compression'

let worker: Worker | null | undefined
let nextId = 0
const waiting = new Map<number, { resolve: (photo: ProcessedPhoto) => void; reject: (error: Error) => void }>()

/** The photo worker, where the browser can draw off the main thread; null where it cannot. */
function photoWorker(): Worker | null {
  if (worker !== undefined) return worker
  const canWork = typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined' && 'convertToBlob' in OffscreenCanvas.prototype
  worker = canWork ? new Worker(new URL('./photo-compression.worker.ts', import.meta.url), { type: 'module' }) : null
  // A worker that dies (out of memory on a huge picture) fails what it held, and is replaced on the next photo.
  worker?.addEventListener('error', () => {
    worker?.terminate()
    worker = undefined
    for (const job of waiting.values()) job.reject(new PhotoError('tooLarge'))
    waiting.clear()
  })
  worker?.addEventListener('message', (event: MessageEvent<{ id: number; photo?: ProcessedPhoto; problem?: PhotoProblem }>) => {
    const job = waiting.get(event.data.id)
    waiting.delete(event.data.id)
    if (event.data.photo) job?.resolve(event.data.photo)
    else job?.reject(new PhotoError(event.data.problem ?? 'unreadable'))
  })
  return worker
}

/** Compress a picture for keeping and sending, off the main thread when possible, so the form never freezes. */
export function preparePhoto(file: Blob): Promise<ProcessedPhoto> {
  const target = photoWorker()
  if (!target) return processPhoto(file)
  const id = nextId++
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject })
    target.postMessage({ id, file })
  })
}
