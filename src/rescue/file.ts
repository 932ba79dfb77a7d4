import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate'
import { sha256Hex, type Exemplar, type PhotoInfo, type Report } from '../domain'

/**
 * The rescue file: a phone's work not yet on the endpoint, in one zip a cadre can keep or pass
 * on, made and read the same way on the phone and at the endpoint. `manifest.json` says whose
 * work it is and lists the SHA-256 of every other part; with a passphrase the parts travel
 * sealed (AES-GCM, the key from PBKDF2) in `sealed.bin`, and only the manifest is readable.
 */
export const RESCUE_FORMAT = { name: 'giao-uoc-rescue', version: 1 } as const

/** PBKDF2 rounds: a second or so on a cheap phone, so that guessing a passphrase is slow. */
const KDF_ITERATIONS = 310_000

/** A photo as the file carries it: its description; its bytes and thumbnail are parts of their own. */
export type RescuedPhoto = PhotoInfo

export interface RescueContent {
  reports: Report[]
  exemplars: Exemplar[]
  /** `bytes` null: the endpoint holds the photo already and the phone had freed its space. */
  photos: (RescuedPhoto & { bytes: Uint8Array | null; thumbnail: Uint8Array | null })[]
}

export interface RescueManifest {
  format: typeof RESCUE_FORMAT.name
  formatVersion: number
  appVersion: string
  createdAt: string
  member: { id: string; name: string }
  unitId: string
  deviceId: string
  counts: { reports: number; exemplars: number; photos: number }
  /** Every part's SHA-256, hex, by its path in the zip (inside the seal when sealed). */
  parts: Record<string, string>
  sealed: { cipher: 'AES-GCM'; kdf: 'PBKDF2-SHA-256'; iterations: number; salt: string; iv: string } | null
}

export type RescueProblem = 'damaged' | 'not-rescue' | 'newer-version' | 'altered' | 'passphrase-needed' | 'wrong-passphrase'

/** The file cannot be read as it is; `problem` says why, for a message the cadre understands. */
export class RescueFileError extends Error {
  override name = 'RescueFileError'
  constructor(readonly problem: RescueProblem) {
    super(`rescue file: ${problem}`)
  }
}

export interface WriteOptions {
  member: { id: string; name: string }
  unitId: string
  deviceId: string
  appVersion: string
  now: Date
  passphrase?: string
}

const MANIFEST = 'manifest.json'
const SEALED = 'sealed.bin'

export async function writeRescueFile(content: RescueContent, options: WriteOptions): Promise<Uint8Array> {
  const parts: Record<string, Uint8Array> = {
    'reports.json': strToU8(JSON.stringify(content.reports)),
    'exemplars.json': strToU8(JSON.stringify(content.exemplars)),
    // The photos' fields; their bytes and thumbnails are parts of their own.
    'photos.json': strToU8(JSON.stringify(content.photos, (key, value: unknown) => (key === 'bytes' || key === 'thumbnail' ? undefined : value))),
  }
  for (const photo of content.photos) {
    if (photo.bytes) parts[`photos/${photo.id}`] = photo.bytes
    if (photo.thumbnail) parts[`thumbnails/${photo.id}`] = photo.thumbnail
  }
  const hashes: Record<string, string> = {}
  for (const [path, bytes] of Object.entries(parts)) hashes[path] = await sha256Hex(bytes)
  const manifest: RescueManifest = {
    format: RESCUE_FORMAT.name,
    formatVersion: RESCUE_FORMAT.version,
    appVersion: options.appVersion,
    createdAt: options.now.toISOString(),
    member: options.member,
    unitId: options.unitId,
    deviceId: options.deviceId,
    counts: { reports: content.reports.length, exemplars: content.exemplars.length, photos: content.photos.length },
    parts: hashes,
    sealed: null,
  }
  if (!options.passphrase) return zipSync({ [MANIFEST]: strToU8(JSON.stringify(manifest, null, 2)), ...stored(parts) })

  const salt = crypto.getRandomValues(new Uint8Array(16))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const key = await keyOf(options.passphrase, salt, KDF_ITERATIONS)
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, zipSync(stored(parts))))
  manifest.sealed = { cipher: 'AES-GCM', kdf: 'PBKDF2-SHA-256', iterations: KDF_ITERATIONS, salt: base64(salt), iv: base64(iv) }
  return zipSync({ [MANIFEST]: strToU8(JSON.stringify(manifest, null, 2)), [SEALED]: [sealed, { level: 0 }] })
}

/** Photos are JPEG or WebP already: stored as they are; the JSON is compressed. */
function stored(parts: Record<string, Uint8Array>): Zippable {
  return Object.fromEntries(Object.entries(parts).map(([path, bytes]) => [path, path.endsWith('.json') ? bytes : [bytes, { level: 0 }]]))
}

/** The manifest alone: whose file it is and what it holds, before any passphrase. */
export function readManifest(file: Uint8Array): RescueManifest {
  const manifest = parseJson(unzipped(file)[MANIFEST]) as Partial<RescueManifest> | null
  if (manifest?.format !== RESCUE_FORMAT.name || typeof manifest.formatVersion !== 'number' || !manifest.member || !manifest.parts) throw new RescueFileError('not-rescue')
  if (manifest.formatVersion > RESCUE_FORMAT.version) throw new RescueFileError('newer-version')
  return manifest as RescueManifest
}

/** Everything in the file, every part checked against the manifest's SHA-256; nothing is answered from a file that fails. */
export async function readRescueFile(file: Uint8Array, passphrase?: string): Promise<{ manifest: RescueManifest; content: RescueContent }> {
  const manifest = readManifest(file)
  let parts = unzipped(file)
  if (manifest.sealed) {
    if (!passphrase) throw new RescueFileError('passphrase-needed')
    const sealed = parts[SEALED]
    if (!sealed) throw new RescueFileError('damaged')
    const key = await keyOf(passphrase, unbase64(manifest.sealed.salt), manifest.sealed.iterations)
    let opened: ArrayBuffer
    try {
      opened = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unbase64(manifest.sealed.iv) }, key, sealed as Uint8Array<ArrayBuffer>)
    } catch {
      // AES-GCM cannot tell a wrong key from altered bytes: either way nothing is read.
      throw new RescueFileError('wrong-passphrase')
    }
    parts = unzipped(new Uint8Array(opened))
  }
  for (const [path, hash] of Object.entries(manifest.parts)) {
    const bytes = parts[path]
    if (!bytes) throw new RescueFileError('damaged')
    if ((await sha256Hex(bytes)) !== hash) throw new RescueFileError('altered')
  }
  const reports = parseJson(parts['reports.json']) as Report[] | null
  const exemplars = parseJson(parts['exemplars.json']) as Exemplar[] | null
  const photos = parseJson(parts['photos.json']) as RescuedPhoto[] | null
  if (!Array.isArray(reports) || !Array.isArray(exemplars) || !Array.isArray(photos)) throw new RescueFileError('damaged')
  const content: RescueContent = {
    reports,
    exemplars,
    // Every part the manifest lists is there: a photo without bytes was sent without them.
    photos: photos.map((photo) => ({ ...photo, bytes: parts[`photos/${photo.id}`] ?? null, thumbnail: parts[`thumbnails/${photo.id}`] ?? null })),
  }
  return { manifest, content }
}

function unzipped(file: Uint8Array): Record<string, Uint8Array> {
  try {
    return unzipSync(file)
  } catch {
    // Not a zip, or cut short on the way: its central directory is at the end.
    throw new RescueFileError('damaged')
  }
}

function parseJson(bytes: Uint8Array | undefined): unknown {
  if (!bytes) return null
  try {
    return JSON.parse(strFromU8(bytes))
  } catch {
    return null
  }
}

// (Its type is inferred: the browser and Node name the key type differently.)
async function keyOf(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number) {
  const material = await crypto.subtle.importKey('raw', strToU8(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey'])
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
}

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))
const unbase64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
