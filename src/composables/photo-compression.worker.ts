import { PhotoError, processPhoto } from './photo-compression'

/** One message in, one out: `{ id, file }` → `{ id, photo }` or `{ id, problem }`. */
self.onmessage = async (event: MessageEvent<{ id: number; file: Blob }>) => {
  const { id, file } = event.data
  try {
    postMessage({ id, photo: await processPhoto(file) })
  } catch (error) {
    postMessage({ id, problem: error instanceof PhotoError ? error.problem : 'unreadable' })
  }
}
