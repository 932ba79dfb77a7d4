/**
 * Enrollment codes: typed by hand on a phone, so short, grouped, without letters that look
 * alike. Crockford's base 32: 10 characters carry 50 bits, shown as `ABCDE-FGHJK`.
 */

export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export const CODE_LENGTH = 10

/** The canonical form of what someone typed or pasted, or null when it cannot be a code. */
export function normalizeEnrollmentCode(input: string): string | null {
  const cleaned = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1')
  if (cleaned.length !== CODE_LENGTH) return null
  for (const char of cleaned) if (!CODE_ALPHABET.includes(char)) return null
  return cleaned
}

/** `ABCDEFGHJK` → `ABCDE-FGHJK`, easier to read aloud and type. */
export function formatEnrollmentCode(code: string): string {
  return `${code.slice(0, CODE_LENGTH / 2)}-${code.slice(CODE_LENGTH / 2)}`
}

/** A code from random bytes (at least `CODE_LENGTH` of them). */
export function enrollmentCodeFromBytes(bytes: Uint8Array): string {
  if (bytes.length < CODE_LENGTH) throw new RangeError(`need ${CODE_LENGTH} random bytes`)
  let code = ''
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[(bytes[i] ?? 0) % CODE_ALPHABET.length]
  return code
}
