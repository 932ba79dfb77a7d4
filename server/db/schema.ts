import type { Generated, Kysely, Transaction } from 'kysely'

/** Tables of the endpoint's database, as Kysely sees them. One interface per table. */
export interface Database {
  meta: MetaTable
  revision: RevisionTable
  bloc: BlocTable
  unit: UnitTable
  commune: CommuneTable
  bloc_commune: BlocCommuneTable
  assignment: AssignmentTable
  covenant: CovenantTable
  commitment: CommitmentTable
  member: MemberTable
  device: DeviceTable
  session: SessionTable
  enrollment_code: EnrollmentCodeTable
  receipt_sequence: ReceiptSequenceTable
  report: ReportTable
  report_entry: ReportEntryTable
  photo: PhotoTable
  photo_blob: PhotoBlobTable
  review: ReviewTable
  audit_log: AuditLogTable
  evaluation: EvaluationTable
  self_assessment: SelfAssessmentTable
  score: ScoreTable
  score_item: ScoreItemTable
  vote: VoteTable
  proposal: ProposalTable
  exemplar: ExemplarTable
  report_revision: ReportRevisionTable
  exemplar_photo: ExemplarPhotoTable
  removal: RemovalTable
  attempt: AttemptTable
}

/** The database, or a transaction on it: what a query that may run inside one takes. */
export type Db = Kysely<Database> | Transaction<Database>

export interface MetaTable {
  key: string
  value: string
  updated_at: Generated<string>
}

export interface RevisionTable {
  id: number
  value: number
}

export interface BlocTable {
  id: string
  name: string
  province: string
  head_unit_id: string | null
  deputy_unit_id: string | null
  rev: number
  /** 1 for what the demo seeded: shown as demo data, and taken away when the admin removes the demo. */
  demo: Generated<number>
}

export interface UnitTable {
  id: string
  bloc_id: string
  name: string
  short_name: string
  rev: number
  /** 1 for what the demo seeded: shown as demo data, and taken away when the admin removes the demo. */
  demo: Generated<number>
}

export interface CommuneTable {
  id: string
  name: string
  district: string
  province: string
  rev: number
  /** 1 for what the demo seeded: shown as demo data, and taken away when the admin removes the demo. */
  demo: Generated<number>
}

/** The communes a bloc's units may help: a commune is a place of the province, and may be listed by several blocs. */
export interface BlocCommuneTable {
  bloc_id: string
  commune_id: string
}

export interface AssignmentTable {
  unit_id: string
  commune_id: string
  year: number
  rev: number
}

export interface CovenantTable {
  id: string
  bloc_id: string
  year: number
  slogan: string
  status: 'draft' | 'signed' | 'evaluating' | 'closed'
  signed_at: string | null
  rev: number
  /** 1 for what the demo seeded: shown as demo data, and taken away when the admin removes the demo. */
  demo: Generated<number>
}

export interface CommitmentTable {
  id: string
  covenant_id: string
  group_name: string
  position: number
  title: string
  description: string
  measure: 'done' | 'count' | 'percent'
  target: number | null
  unit_label: string
  max_points: number
  scope: 'unit' | 'commune'
  rev: number
  /** When it was withdrawn from a signed covenant; never deleted once signed. */
  retired_at: string | null
}

export interface MemberTable {
  id: string
  /** Null for the province's emulation office (role `province`), who belongs to no bloc. */
  unit_id: string | null
  name: string
  role: 'cadre' | 'lead' | 'admin' | 'province'
  title: string
  username: string | null
  password_hash: string | null
  created_at: Generated<string>
  rev: number
  /** 1 for what the demo seeded: shown as demo data, and taken away when the admin removes the demo. */
  demo: Generated<number>
}

export interface DeviceTable {
  id: string
  member_id: string
  name: string
  token_hash: string
  enrolled_at: Generated<string>
  revoked_at: string | null
  last_seen_at: string | null
  /** What the phone last said of itself with a push. */
  app_version: string | null
  waiting: number | null
  free_bytes: number | null
  last_push_at: string | null
}

export interface SessionTable {
  token_hash: string
  member_id: string
  created_at: Generated<string>
  expires_at: string
  revoked_at: string | null
}

export interface EnrollmentCodeTable {
  code_hash: string
  member_id: string
  created_by: string | null
  created_at: Generated<string>
  expires_at: string
  used_at: string | null
  device_id: string | null
  /** The phone's id for the attempt that used the code, so that it may retry a lost answer. */
  request_id: string | null
}

export interface ReceiptSequenceTable {
  year: number
  value: number
}

/** A visit report as the endpoint holds it: its latest revision, and that revision as pushed. */
export interface ReportTable {
  id: string
  unit_id: string
  commune_id: string
  /** The member of the device that first pushed it. */
  author_id: string
  device_id: string
  covenant_id: string
  visit_date: string
  visit_time: string
  summary: string
  latitude: number | null
  longitude: number | null
  accuracy: number | null
  located_at: string | null
  revision: number
  /** SHA-256 of the pushed report's canonical JSON: the same revision sent again is a duplicate only if this matches. */
  content_hash: string
  /** The pushed report's JSON, answered as `current` on a conflict. */
  body: string
  receipt_number: string
  /** When the endpoint committed the revision it holds. */
  committed_at: string
  /** As the phone stamped them. */
  created_at: string
  updated_at: string
}

/** The entries of a report's latest revision that say something (`isTouched`). */
export interface ReportEntryTable {
  report_id: string
  commitment_id: string
  status: 'not_started' | 'in_progress' | 'done'
  amount: number | null
  note: string
}

export interface PhotoTable {
  report_id: string
  /** The phone's id for the photo, unique within its report. */
  id: string
  position: number
  sha256: string
  size: number
  type: string
  width: number
  height: number
  caption: string
  taken_at: string
  /** When its bytes were in the photo store; null while the phone still has to upload them. */
  received_at: string | null
  /** When a newer revision stopped listing it. Only received photos are kept so: evidence is never thrown away. */
  removed_at: string | null
  /** Where and when the camera says it took the picture (EXIF, read on the phone); null when it did not say. */
  captured_at: string | null
  captured_latitude: number | null
  captured_longitude: number | null
  /** The picture's difference hash, as the phone computed it. */
  fingerprint: string | null
}

/** A received photo's bytes, stored once under `photos/<first two hex>/<sha256>`. */
export interface PhotoBlobTable {
  sha256: string
  size: number
  /** The real type, from the file's first bytes. */
  type: string
  stored_at: Generated<string>
  /** Why no thumbnail can be made of it, once that was found; never tried again. */
  thumbnail_error: Generated<string | null>
}

/** One review of a report: rows are added, never changed, so every change of status is kept. */
export interface ReviewTable {
  id: string
  report_id: string
  revision: number
  status: 'accepted' | 'needs_more'
  comment: string
  reviewer_id: string
  at: string
  /** The revision counter when it was made: phones pull reviews like reference rows. */
  rev: number
}

/** Who did what, and when: every change by a lead or the admin, and every export. */
export interface AuditLogTable {
  id: Generated<number>
  at: string
  actor_id: string
  /** The unit the action concerns; null for the bloc as a whole. */
  unit_id: string | null
  /** The bloc the action concerns; null for the province's own (a bloc created). */
  bloc_id: string | null
  action: string
  /** JSON of `AuditDetails`. */
  details: string
}

/** A covenant's rules of evaluation (JSON of `EvaluationRules`) and when its results were published. */
export interface EvaluationTable {
  covenant_id: string
  rules: string
  published_at: string | null
  updated_at: string
}

export interface SelfAssessmentTable {
  covenant_id: string
  unit_id: string
  status: 'draft' | 'submitted' | 'returned'
  comment: string
  submitted_at: string | null
  updated_at: string
}

/** One score of a unit on one commitment, by stage; `scorer_unit_id` is '' but in cross-scoring. */
export interface ScoreTable {
  covenant_id: string
  unit_id: string
  commitment_id: string
  stage: 'self' | 'bloc'
  scorer_unit_id: string
  points: number
  note: string
  /** JSON of `Evidence`. */
  evidence: string
  at: string
  by_id: string
}

export interface ScoreItemTable {
  id: Generated<number>
  covenant_id: string
  unit_id: string
  stage: 'self' | 'bloc'
  scorer_unit_id: string
  kind: 'bonus' | 'penalty'
  title: string
  points: number
  reason: string
  evidence: string
}

export interface VoteTable {
  covenant_id: string
  unit_id: string
  votes: number
}

/** A commendation proposed for an award: a unit (`unit_id`), or a collective or person by name. */
export interface ProposalTable {
  id: string
  covenant_id: string
  award: string
  unit_id: string | null
  nominee: string
  achievements: string
  /** JSON of `Evidence`. */
  evidence: string
  status: 'proposed' | 'approved'
  updated_at: string
  /** The exemplary case from the field this proposal came from, if any. */
  exemplar_id: string | null
}

/** An exemplary collective or person put forward from a phone (điển hình tiên tiến). */
export interface ExemplarTable {
  id: string
  unit_id: string
  covenant_id: string
  author_id: string
  device_id: string
  kind: 'individual' | 'collective'
  nominee: string
  role: string
  story: string
  revision: number
  content_hash: string
  receipt_number: string
  committed_at: string
  created_at: string
  edited_at: string | null
  edited_by: string | null
}

/** A photo an exemplary case lists; its bytes arrive by tus like a report's. */
export interface ExemplarPhotoTable {
  exemplar_id: string
  id: string
  position: number
  sha256: string
  size: number
  type: string
  width: number
  height: number
  caption: string
  taken_at: string
  received_at: string | null
}

/** One accepted revision of a report, as the phone sent it (`body`, the pushed JSON). */
export interface ReportRevisionTable {
  report_id: string
  revision: number
  device_id: string
  member_id: string
  committed_at: string
  body: string
}

/** A report (`photo_id` null) or one of its photos the admin removed, and why; phones drop theirs on pull. */
export interface RemovalTable {
  id: string
  report_id: string
  photo_id: string | null
  unit_id: string
  reason: string
  removed_by: string
  removed_at: string
  rev: number
}

/** An attempt counted against a limit, where processes share the counts (PostgreSQL): `at` in ms since 1970. */
export interface AttemptTable {
  limiter: string
  key: string
  at: number
}
