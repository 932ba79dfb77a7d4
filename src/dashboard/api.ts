import type {
  AssignmentsRequest,
  AssignmentsResponse,
  AuditQuery,
  AuditResponse,
  Bloc,
  BlocRequest,
  Commitment,
  CommitmentRequest,
  Commune,
  CommuneOverview,
  CommuneRequest,
  CovenantDetail,
  CovenantRequest,
  CovenantStatusRequest,
  CreateCovenantRequest,
  DemoRemoved,
  CreateEnrollmentCodeRequest,
  Device,
  EnrollmentCodeResponse,
  EvaluationResponse,
  EvaluationRules,
  ExemplarEdit,
  ExemplarsQuery,
  ExemplarsResponse,
  ExemplarView,
  GalleryQuery,
  GalleryResponse,
  LoginRequest,
  LoginResponse,
  MemberDetail,
  MemberRequest,
  MembersQuery,
  MembersResponse,
  PhotoQuery,
  ProposalRequest,
  ProgressResponse,
  ProvinceQuery,
  ProvinceResponse,
  CreateBlocRequest,
  CreateBlocResponse,
  SharedCommunesResponse,
  AdminPasswordRequest,
  RemovalRequest,
  ReportDetail,
  ReportsQuery,
  ReportsResponse,
  RevokedCodes,
  RetireRequest,
  ReturnRequest,
  RescueUploadResponse,
  Review,
  ReviewRequest,
  ScoreSheetRequest,
  SetupResponse,
  Unit,
  UnitRequest,
  VotesRequest,
  YearQuery,
} from '@/protocol'
import { ERROR_CODES, RESCUE_PASSPHRASE_HEADER, type ExportFile } from '@/protocol/constants'
import { ApiError, NetworkError, requestBlob, requestJson } from '@/sync/api'

/** Why a dashboard request failed, in the cases the screens explain (`dashboard.errors.*`). */
export type DashboardErrorReason = 'offline' | 'expired' | 'forbidden' | 'not_found' | 'conflict' | 'closed' | 'invalid' | 'too_many_attempts' | 'bad_login' | 'server'

/** Every failed dashboard request comes back as this one shape: a reason, each broken rule by field, and how long to wait. */
export class DashboardError extends Error {
  override name = 'DashboardError'
  constructor(
    readonly reason: DashboardErrorReason,
    message: string,
    readonly problems: { field: string; rule: string }[] = [],
    readonly retryAfterMs = 0,
    /** The endpoint's own code for the case, where a screen says more than the reason does. */
    readonly code: string | null = null,
  ) {
    super(message)
  }
}

const REASON_BY_STATUS: Record<number, DashboardErrorReason> = { 400: 'invalid', 401: 'expired', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 429: 'too_many_attempts' }

/** Any failure of a request, as the one shape the screens show. */
export function toDashboardError(error: unknown): DashboardError {
  if (error instanceof DashboardError) return error
  if (error instanceof NetworkError) return new DashboardError('offline', error.message)
  if (error instanceof ApiError) {
    const reason = error.code === ERROR_CODES.badLogin ? 'bad_login' : error.code === ERROR_CODES.yearClosed ? 'closed' : (REASON_BY_STATUS[error.status] ?? 'server')
    return new DashboardError(reason, error.message, error.problems, error.retryAfterMs, error.code ?? null)
  }
  return new DashboardError('server', error instanceof Error ? error.message : String(error))
}

/** A query string from a request's parameters, leaving out the empty ones. */
export function queryOf(parameters: object): string {
  const entries = Object.entries(parameters).filter((entry): entry is [string, string | number] => entry[1] !== null && entry[1] !== undefined && entry[1] !== '')
  return entries.length ? `?${new URLSearchParams(entries.map(([key, value]) => [key, String(value)])).toString()}` : ''
}

/** A file the endpoint sent (an export, a photo), with the name it suggests saving it under. */
export interface DownloadedFile {
  blob: Blob
  name: string | null
}

/** How the client reaches the endpoint with the session's token; each call throws a `DashboardError`. */
export interface Transport {
  json: <T>(path: string, options?: { method?: 'POST' | 'PUT' | 'DELETE'; body?: unknown; headers?: Record<string, string>; timeoutMs?: number }) => Promise<T>
  file: (path: string) => Promise<DownloadedFile>
}

const put = (body: unknown) => ({ method: 'PUT', body }) as const
const post = (body?: unknown) => ({ method: 'POST', body }) as const

/**
 * The dashboard's routes, one function each, typed with the contract's requests and answers.
 * No screen builds an `/api/…` path or a request body by hand: they call these.
 */
export function createDashboardApi(send: Transport) {
  const { json, file } = send
  return {
    setup: () => json<SetupResponse>('/api/setup'),
    /** The admin only: take away the demo `npm start` seeded, keeping what real data uses. */
    removeDemo: () => json<DemoRemoved>('/api/demo/removal', post()),
    saveBloc: (body: BlocRequest) => json<Bloc>('/api/bloc', put(body)),
    /** A new unit without `unitId`, a change to one with it. */
    saveUnit: (body: UnitRequest, unitId?: string) => json<Unit>(unitId ? `/api/units/${unitId}` : '/api/units', unitId ? put(body) : post(body)),
    saveCommune: (body: CommuneRequest, communeId?: string) => json<Commune>(communeId ? `/api/communes/${communeId}` : '/api/communes', communeId ? put(body) : post(body)),
    assignments: (year: number) => json<AssignmentsResponse>(`/api/assignments/${year}`),
    saveAssignments: (year: number, body: AssignmentsRequest) => json<AssignmentsResponse>(`/api/assignments/${year}`, put(body)),

    covenant: (covenantId: string) => json<CovenantDetail>(`/api/covenants/${covenantId}`),
    createCovenant: (body: CreateCovenantRequest) => json<CovenantDetail>('/api/covenants', post(body)),
    saveCovenant: (covenantId: string, body: CovenantRequest) => json<CovenantDetail>(`/api/covenants/${covenantId}`, put(body)),
    setCovenantStatus: (covenantId: string, body: CovenantStatusRequest) => json<CovenantDetail>(`/api/covenants/${covenantId}/status`, post(body)),
    /** A new commitment of `covenantId`, or a change to `commitmentId`. */
    saveCommitment: (body: CommitmentRequest, target: { covenantId: string } | { commitmentId: string }) =>
      'commitmentId' in target
        ? json<Commitment>(`/api/commitments/${target.commitmentId}`, put(body))
        : json<Commitment>(`/api/covenants/${target.covenantId}/commitments`, post(body)),
    deleteCommitment: (commitmentId: string) => json<null>(`/api/commitments/${commitmentId}`, { method: 'DELETE' }),
    retireCommitment: (commitmentId: string, body: RetireRequest) => json<Commitment>(`/api/commitments/${commitmentId}/retire`, post(body)),

    members: (query: MembersQuery = {}) => json<MembersResponse>(`/api/members${queryOf(query)}`),
    saveMember: (body: MemberRequest, memberId?: string) => json<MemberDetail>(memberId ? `/api/members/${memberId}` : '/api/members', memberId ? put(body) : post(body)),
    createEnrollmentCode: (body: CreateEnrollmentCodeRequest) => json<EnrollmentCodeResponse>('/api/enrollment-codes', post(body)),
    /** Every code of the member not used yet stops working (a printed card was lost). */
    revokeEnrollmentCodes: (memberId: string) => json<RevokedCodes>(`/api/members/${memberId}/enrollment-codes/revoke`, post()),
    revokeDevice: (deviceId: string) => json<Device>(`/api/devices/${deviceId}/revoke`, post()),
    /** A member's rescue file, sent on as their phone would have; the passphrase of a sealed one goes percent-encoded. */
    uploadRescue: (memberId: string, file: Blob, passphrase: string) =>
      json<RescueUploadResponse>(`/api/members/${memberId}/rescue`, {
        method: 'POST',
        body: file.type ? file : new Blob([file], { type: 'application/zip' }),
        headers: passphrase ? { [RESCUE_PASSPHRASE_HEADER]: encodeURIComponent(passphrase) } : {},
        // A file of many photos, on an office line: minutes, not seconds.
        timeoutMs: 10 * 60 * 1000,
      }),

    progress: (query: YearQuery) => json<ProgressResponse>(`/api/progress${queryOf(query)}`),
    communeOverview: (communeId: string, query: YearQuery) => json<CommuneOverview>(`/api/communes/${communeId}/overview${queryOf(query)}`),
    reports: (query: ReportsQuery) => json<ReportsResponse>(`/api/reports${queryOf(query)}`),
    report: (reportId: string) => json<ReportDetail>(`/api/reports/${reportId}`),
    review: (reportId: string, body: ReviewRequest) => json<Review>(`/api/reports/${reportId}/reviews`, post(body)),
    /** The admin only: the report, or one of its photos, off the endpoint for good. */
    removeReport: (reportId: string, body: RemovalRequest) => json<null>(`/api/reports/${reportId}/removal`, post(body)),
    removePhoto: (reportId: string, photoId: string, body: RemovalRequest) => json<null>(`/api/reports/${reportId}/photos/${photoId}/removal`, post(body)),
    photo: (reportId: string, photoId: string, query: PhotoQuery = {}) => file(`/api/reports/${reportId}/photos/${photoId}${queryOf(query)}`),
    gallery: (query: GalleryQuery) => json<GalleryResponse>(`/api/gallery${queryOf(query)}`),
    exportFile: (name: ExportFile, query: YearQuery) => file(`/api/export/${name}${queryOf(query)}`),
    audit: (query: AuditQuery) => json<AuditResponse>(`/api/audit${queryOf(query)}`),

    /** The exemplary cases put forward from the phones in a year (a lead: their own unit's), newest first. */
    exemplars: (query: ExemplarsQuery) => json<ExemplarsResponse>(`/api/exemplars${queryOf(query)}`),
    saveExemplar: (exemplarId: string, body: ExemplarEdit) => json<ExemplarView>(`/api/exemplars/${exemplarId}`, put(body)),
    exemplarPhoto: (exemplarId: string, photoId: string, query: PhotoQuery = {}) => file(`/api/exemplars/${exemplarId}/photos/${photoId}${queryOf(query)}`),

    evaluation: (covenantId: string) => json<EvaluationResponse>(`/api/covenants/${covenantId}/evaluation`),
    saveEvaluationRules: (covenantId: string, body: EvaluationRules) => json<EvaluationResponse>(`/api/covenants/${covenantId}/evaluation/rules`, put(body)),
    saveSelfAssessment: (covenantId: string, unitId: string, body: ScoreSheetRequest) =>
      json<EvaluationResponse>(`/api/covenants/${covenantId}/evaluation/units/${unitId}/self`, put(body)),
    submitSelfAssessment: (covenantId: string, unitId: string) => json<EvaluationResponse>(`/api/covenants/${covenantId}/evaluation/units/${unitId}/self/submit`, post()),
    returnSelfAssessment: (covenantId: string, unitId: string, body: ReturnRequest) =>
      json<EvaluationResponse>(`/api/covenants/${covenantId}/evaluation/units/${unitId}/self/return`, post(body)),
    saveBlocScores: (covenantId: string, unitId: string, body: ScoreSheetRequest) =>
      json<EvaluationResponse>(`/api/covenants/${covenantId}/evaluation/units/${unitId}/bloc`, put(body)),
    saveVotes: (covenantId: string, body: VotesRequest) => json<EvaluationResponse>(`/api/covenants/${covenantId}/evaluation/votes`, put(body)),
    publishEvaluation: (covenantId: string) => json<EvaluationResponse>(`/api/covenants/${covenantId}/evaluation/publish`, post()),
    saveProposal: (covenantId: string, body: ProposalRequest, proposalId?: string) =>
      json<EvaluationResponse>(
        proposalId ? `/api/covenants/${covenantId}/evaluation/proposals/${proposalId}` : `/api/covenants/${covenantId}/evaluation/proposals`,
        proposalId ? put(body) : post(body),
      ),
    evaluationWorkbook: (covenantId: string) => file(`/api/covenants/${covenantId}/evaluation/scores.xlsx`),

    /** The province's office only: every bloc's year, one workbook of them all, a new bloc with its first admin, and the communes blocs share. */
    province: (query: ProvinceQuery) => json<ProvinceResponse>(`/api/province${queryOf(query)}`),
    provinceWorkbook: (query: ProvinceQuery) => file(`/api/province/export.xlsx${queryOf(query)}`),
    createBloc: (body: CreateBlocRequest) => json<CreateBlocResponse>('/api/province/blocs', post(body)),
    sharedCommunes: () => json<SharedCommunesResponse>('/api/province/communes'),
    correctCommune: (communeId: string, body: CommuneRequest) => json<Commune>(`/api/province/communes/${communeId}`, put(body)),
    setAdminPassword: (username: string, body: AdminPasswordRequest) => json<null>(`/api/province/admins/${encodeURIComponent(username)}/password`, put(body)),
  }
}

export type DashboardApi = ReturnType<typeof createDashboardApi>

/** `POST /api/auth/login`: a session for a lead or the admin. */
export async function logIn(body: LoginRequest): Promise<LoginResponse> {
  try {
    return await requestJson<LoginResponse>('/api/auth/login', { method: 'POST', body })
  } catch (error) {
    throw toDashboardError(error)
  }
}

/** `POST /api/auth/logout`: the endpoint ends the session's token; nothing to say if it cannot be told. */
export async function logOut(token: string): Promise<void> {
  await requestJson('/api/auth/logout', { method: 'POST', token }).catch(() => undefined)
}

/** A JSON request and a file download with `token`, as the store's transport. */
export const withToken = (token: string): Transport => ({
  json: (path, options = {}) => requestJson(path, { ...options, token }),
  file: (path) => requestBlob(path, { token, timeoutMs: 120_000 }),
})
