/** One measured figure, as `bench/results.json` keeps it. */
export interface Figure {
  /** `<benchmark>` or `<benchmark>.<what>`, such as `photo.bytes`. */
  name: string
  value: number
  unit: string
  /** The figure must be at most (`max`) or at least (`min`) this. */
  budget: { max: number } | { min: number } | null
  /** How it was measured: enough to measure it the same way again. */
  conditions: string
}

export function withinBudget(figure: Figure): boolean {
  if (!figure.budget) return true
  return 'max' in figure.budget ? figure.value <= figure.budget.max : figure.value >= figure.budget.min
}

export function budgetText(figure: Figure): string {
  if (!figure.budget) return '—'
  return 'max' in figure.budget ? `≤ ${figure.budget.max.toLocaleString('en')}` : `≥ ${figure.budget.min.toLocaleString('en')}`
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
