/**
 * Numbers as Vietnamese write them: "1.500" is one thousand five hundred, "2,5" two and a half,
 * "1.234,5" both. A number that could be read two ways ("1.5", or "1,500" from a hand used to
 * English) is never guessed: the reader says which readings it sees, and the cadre chooses.
 */
export type NumberReading =
  | { kind: 'empty' }
  | { kind: 'number'; value: number }
  /** Read more than one way, or only as English writes it: ask which is meant, offering these. */
  | { kind: 'unclear'; readings: number[] }
  | { kind: 'invalid' }

/** Thousands grouped by dots, an optional decimal comma: the Vietnamese way. */
const VIETNAMESE = /^\d{1,3}(?:\.\d{3})+(?:,\d+)?$|^\d+(?:,\d+)?$/
/** Thousands grouped by commas, an optional decimal point: the English way. */
const ENGLISH = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+\.\d+$/

/** "1,500": a decimal comma to a Vietnamese reader, a thousands comma to an English one. */
const UNCLEAR_COMMA = /^[1-9]\d{0,2},\d{3}$/

const vietnamese = (text: string) => Number(text.replaceAll('.', '').replace(',', '.'))
const english = (text: string) => Number(text.replaceAll(',', ''))

export function readNumber(input: string): NumberReading {
  // Spaces, no-break and thin spaces are sometimes typed or pasted as thousands separators.
  const text = input.replace(/[\s\u00a0\u202f]/g, '')
  if (text === '') return { kind: 'empty' }
  const negative = text.startsWith('-')
  const digits = negative ? text.slice(1) : text
  const signed = (value: number) => (negative ? -value : value)
  if (VIETNAMESE.test(digits)) {
    const value = signed(vietnamese(digits))
    return UNCLEAR_COMMA.test(digits) ? { kind: 'unclear', readings: [value, signed(english(digits))] } : { kind: 'number', value }
  }
  // "1.5" or "1,234.5": written the English way, most likely meant so, but asked.
  if (ENGLISH.test(digits)) return { kind: 'unclear', readings: [signed(english(digits))] }
  return { kind: 'invalid' }
}

/**
 * A number as a Vietnamese writes it, in full: `1500.25` → `"1.500,25"`, and always one that
 * `readNumber` reads back as the same number (`1.125` → `"1,1250"`, not the unclear `"1,125"`).
 */
export function writeNumber(value: number): string {
  const plain = Math.abs(value).toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 })
  const [whole = '0', fraction] = plain.split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.')
  const written = `${grouped}${fraction ? `,${fraction}` : ''}`
  return `${value < 0 ? '-' : ''}${UNCLEAR_COMMA.test(written) ? `${written}0` : written}`
}
