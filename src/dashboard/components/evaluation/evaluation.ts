import { inject, provide, shallowReactive, type InjectionKey } from 'vue'
import { useI18n } from 'vue-i18n'
import { LIMITS, type Commitment } from '@/domain'
import type { EvaluationResponse, Evidence, ExemplarView, PhotoInfo, Proposal, ScoreItem, ScoreSheetRequest, UnitEvaluation } from '@/protocol'
import { useAction, useDashboardApi } from '@/dashboard/composables'

/** Whose column of a score sheet a person writes: the unit's own (its lead), or the bloc's. */
export type Stage = 'self' | 'bloc'

/** A score as it is being typed: `points` is '' while the field is empty. */
export interface DraftScore {
  commitmentId: string
  points: number | ''
  note: string
  evidence: Evidence
}

/** A bonus or penalty item as it is being typed. */
export type DraftItem = Omit<ScoreItem, 'points'> & { points: number | '' }

export const noEvidence = (): Evidence => ({ reportIds: [], photoIds: [] })
const copyOf = (evidence: Evidence): Evidence => ({ reportIds: [...evidence.reportIds], photoIds: [...evidence.photoIds] })

/** Points a score field may hold: typed, from zero up to the commitment's points. */
export const inRange = (points: number | '', max: number): points is number => typeof points === 'number' && points >= 0 && points <= max

/**
 * The sheet a person starts from. Their own earlier scores when they gave some; else, for the
 * self-assessment, the suggestion from reports, and for the bloc, the unit's own score (or the
 * suggestion). In cross-scoring a lead starts from the scores their unit gave.
 */
export function draftOf(unit: UnitEvaluation, stage: Stage, scorerUnitId: string | null): DraftScore[] {
  return unit.lines.map(({ commitmentId, suggested, self, bloc, blocNote, byScorer }) => {
    if (stage === 'self') return { commitmentId, points: self?.points ?? suggested, note: self?.note ?? '', evidence: copyOf(self?.evidence ?? noEvidence()) }
    const mine = scorerUnitId === null ? (bloc === null ? null : { points: bloc, note: blocNote }) : byScorer.find((one) => one.unitId === scorerUnitId)
    return { commitmentId, points: mine?.points ?? self?.points ?? suggested, note: mine?.note ?? '', evidence: noEvidence() }
  })
}

/** The items a person starts from: the unit's own, or at the bloc stage those this scorer gave (`null`: the admin). */
export function draftItemsOf(unit: UnitEvaluation, stage: Stage, scorerUnitId: string | null): DraftItem[] {
  const items = stage === 'self' ? unit.selfItems : unit.blocItems.filter((item) => item.scorerUnitId === (scorerUnitId ?? ''))
  return items.map(({ kind, title, points, reason, evidence }) => ({ kind, title, points, reason, evidence: copyOf(evidence) }))
}

export const itemReady = (item: DraftItem): item is ScoreItem => item.title.trim() !== '' && inRange(item.points, Number.MAX_SAFE_INTEGER)

/** The whole sheet to send: a score for each commitment still in the year, and the items. */
export function sheetOf(drafts: readonly DraftScore[], items: readonly DraftItem[], commitments: readonly Commitment[]): ScoreSheetRequest {
  const open = new Set(commitments.filter((item) => !item.retiredAt).map((item) => item.id))
  return {
    scores: drafts
      .filter((draft) => open.has(draft.commitmentId))
      .map((draft) => ({ commitmentId: draft.commitmentId, points: Number(draft.points), note: draft.note.trim(), evidence: draft.evidence })),
    items: items.filter(itemReady).map((item) => ({ ...item, title: item.title.trim(), reason: item.reason.trim() })),
  }
}

/** The most votes that still do not carry: a unit needs more than this share of the member units. */
export const voteThreshold = (memberUnits: number, share: number): number => Math.round(memberUnits * share * 100) / 100

/** What the evaluation's pieces share with its page. */
export interface EvaluationContext {
  covenantId: () => string
  /** Show the evaluation as the endpoint now answered it. */
  show: (next: EvaluationResponse) => void
  /** Read the covenant and its evaluation again, after a change was refused as out of date. */
  reload: () => Promise<void>
}
const key: InjectionKey<EvaluationContext> = Symbol('evaluation')

export const provideEvaluation = (context: EvaluationContext): void => provide(key, context)

/** Read the evaluation page again (the covenant, the evaluation, the exemplary cases), after a change was refused as out of date. */
export function useEvaluationReload(): () => Promise<void> {
  const context = inject(key)
  if (!context) throw new Error('useEvaluationReload() is for the evaluation page')
  return context.reload
}

/**
 * A change to the year's evaluation from one of its forms: busy while it goes, its error kept.
 * Every route answers the whole evaluation, which the page then shows. A 409 (the covenant was
 * closed, or the self-assessment submitted, in the meantime) reads the page's state again.
 */
export function useEvaluationChange() {
  const context = inject(key)
  if (!context) throw new Error('useEvaluationChange() is for the evaluation page')
  const { covenantId, show, reload } = context
  const api = useDashboardApi()
  const { busy, error, run } = useAction()
  async function change(send: (covenantId: string) => Promise<EvaluationResponse>): Promise<boolean> {
    const next = await run(() => send(covenantId()))
    if (next) show(next)
    else if (error.value?.reason === 'conflict' || error.value?.reason === 'closed') await reload()
    return next !== undefined
  }
  return { api, busy, error, change }
}

/** The received photos of a unit's reports, read once each when first asked for. */
export function useReportPhotos() {
  const api = useDashboardApi()
  const known = shallowReactive(new Map<string, PhotoInfo[]>())
  const asked = new Set<string>()
  return {
    load(reportId: string): void {
      if (asked.has(reportId)) return
      asked.add(reportId)
      api.report(reportId).then(
        (report) =>
          known.set(
            reportId,
            report.photos.filter((photo) => photo.received),
          ),
        () => asked.delete(reportId),
      )
    },
    /** The report's photos, or null until they are read. */
    of: (reportId: string): PhotoInfo[] | null => known.get(reportId) ?? null,
  }
}
export type ReportPhotos = ReturnType<typeof useReportPhotos>

/** The name a proposal made from an exemplary case starts with: the nominee, and their role after a comma. */
export const nomineeOf = (exemplar: Pick<ExemplarView, 'nominee' | 'role'>): string =>
  (exemplar.role.trim() ? `${exemplar.nominee.trim()}, ${exemplar.role.trim()}` : exemplar.nominee.trim()).slice(0, LIMITS.nameLength)

/** Whether a proposal was made from the case: as the endpoint listed it, or among the proposals now shown. */
export const isProposed = (exemplar: Pick<ExemplarView, 'id' | 'proposalIds'>, proposals: readonly Pick<Proposal, 'exemplarId'>[]): boolean =>
  exemplar.proposalIds.length > 0 || proposals.some((proposal) => proposal.exemplarId === exemplar.id)

/**
 * What a proposal made from an exemplary case says of it: the unit that put the case forward and
 * its receipt number, or only that it came from the field when the case is not in sight (a lead
 * sees their own unit's cases only).
 */
export function useExemplarNote(exemplars: () => readonly ExemplarView[]) {
  const { t } = useI18n()
  return (proposal: Pick<Proposal, 'exemplarId'>): string | null => {
    if (!proposal.exemplarId) return null
    const found = exemplars().find((exemplar) => exemplar.id === proposal.exemplarId)
    return found ? t('dashboard.evaluation.exemplars.fromCase', { unit: found.unitName, receipt: found.receipt.number }) : t('dashboard.evaluation.exemplars.fromField')
  }
}
