import type { Commitment } from './entities'

export interface CommitmentGroup {
  name: string
  items: Commitment[]
  maxPoints: number
}

/** Commitments in covenant order, grouped under their criterion group in the order groups first appear. */
export function groupCommitments(items: readonly Commitment[]): CommitmentGroup[] {
  const groups = new Map<string, CommitmentGroup>()
  for (const item of [...items].sort((a, b) => a.order - b.order)) {
    let group = groups.get(item.group)
    if (!group) {
      group = { name: item.group, items: [], maxPoints: 0 }
      groups.set(item.group, group)
    }
    group.items.push(item)
    group.maxPoints += item.maxPoints
  }
  return [...groups.values()]
}

/** Total points on the covenant's scale (usually 100). */
export function totalPoints(items: readonly Commitment[]): number {
  return items.reduce((sum, item) => sum + item.maxPoints, 0)
}
