import { sql, type Kysely } from 'kysely'

// Shipped migrations are never edited: add a new numbered file instead.

/**
 * The schema of the SQLite migrations 0001 to 0011, in one step, for a new PostgreSQL database.
 * Every text column compares byte by byte (`collate "C"`), as SQLite's do, so lists sort the same
 * on both. `rev` columns are 64-bit: on PostgreSQL they hold the id of the transaction that
 * changed the row (see `nextRevision`). `tests/server/schema.test.ts` holds both schemas equal.
 */
const schema = `
create table "meta" (
  "key" text collate "C" primary key,
  "value" text collate "C" not null,
  "updated_at" text collate "C" default (to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) not null
);
create table "revision" (
  "id" integer primary key check (id = 1),
  "value" bigint not null
);
create table "bloc" (
  "id" text collate "C" primary key,
  "name" text collate "C" not null,
  "province" text collate "C" not null,
  "head_unit_id" text collate "C",
  "deputy_unit_id" text collate "C",
  "rev" bigint not null,
  "demo" integer default 0 not null
);
create table "unit" (
  "id" text collate "C" primary key,
  "bloc_id" text collate "C" not null references "bloc" ("id"),
  "name" text collate "C" not null,
  "short_name" text collate "C" not null,
  "rev" bigint not null,
  "demo" integer default 0 not null,
  constraint "unit_name_unique" unique ("bloc_id", "name")
);
create table "commune" (
  "id" text collate "C" primary key,
  "name" text collate "C" not null,
  "district" text collate "C" not null,
  "province" text collate "C" not null,
  "rev" bigint not null,
  "demo" integer default 0 not null,
  constraint "commune_place_unique" unique ("province", "district", "name")
);
create table "assignment" (
  "unit_id" text collate "C" not null references "unit" ("id"),
  "commune_id" text collate "C" not null references "commune" ("id"),
  "year" integer not null,
  "rev" bigint not null,
  constraint "assignment_pk" primary key ("unit_id", "commune_id", "year")
);
create table "covenant" (
  "id" text collate "C" primary key,
  "bloc_id" text collate "C" not null references "bloc" ("id"),
  "year" integer not null,
  "slogan" text collate "C" not null,
  "status" text collate "C" not null check (status in ('draft', 'signed', 'evaluating', 'closed')),
  "signed_at" text collate "C",
  "rev" bigint not null,
  "demo" integer default 0 not null,
  constraint "covenant_year_unique" unique ("bloc_id", "year")
);
create table "commitment" (
  "id" text collate "C" primary key,
  "covenant_id" text collate "C" not null references "covenant" ("id"),
  "group_name" text collate "C" not null,
  "position" integer not null,
  "title" text collate "C" not null,
  "description" text collate "C" not null,
  "measure" text collate "C" not null check (measure in ('done', 'count', 'percent')),
  "target" double precision,
  "unit_label" text collate "C" not null,
  "max_points" double precision not null,
  "scope" text collate "C" not null check (scope in ('unit', 'commune')),
  "rev" bigint not null,
  "retired_at" text collate "C"
);
create table "member" (
  "id" text collate "C" primary key,
  "unit_id" text collate "C" not null references "unit" ("id"),
  "name" text collate "C" not null,
  "role" text collate "C" not null check (role in ('cadre', 'lead', 'admin')),
  "title" text collate "C" not null,
  "username" text collate "C" unique,
  "password_hash" text collate "C",
  "created_at" text collate "C" default (to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) not null,
  "rev" bigint not null,
  "demo" integer default 0 not null
);
create table "device" (
  "id" text collate "C" primary key,
  "member_id" text collate "C" not null references "member" ("id"),
  "name" text collate "C" not null,
  "token_hash" text collate "C" not null unique,
  "enrolled_at" text collate "C" default (to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) not null,
  "revoked_at" text collate "C",
  "last_seen_at" text collate "C",
  "app_version" text collate "C",
  "waiting" integer,
  "free_bytes" bigint,
  "last_push_at" text collate "C"
);
create table "session" (
  "token_hash" text collate "C" primary key,
  "member_id" text collate "C" not null references "member" ("id"),
  "created_at" text collate "C" default (to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) not null,
  "expires_at" text collate "C" not null,
  "revoked_at" text collate "C"
);
create table "enrollment_code" (
  "code_hash" text collate "C" primary key,
  "member_id" text collate "C" not null references "member" ("id"),
  "created_by" text collate "C" references "member" ("id"),
  "created_at" text collate "C" default (to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) not null,
  "expires_at" text collate "C" not null,
  "used_at" text collate "C",
  "device_id" text collate "C" references "device" ("id"),
  "request_id" text collate "C"
);
create table "receipt_sequence" (
  "year" integer primary key,
  "value" bigint not null
);
create table "report" (
  "id" text collate "C" primary key,
  "unit_id" text collate "C" not null references "unit" ("id"),
  "commune_id" text collate "C" not null references "commune" ("id"),
  "author_id" text collate "C" not null references "member" ("id"),
  "device_id" text collate "C" not null references "device" ("id"),
  "covenant_id" text collate "C" not null references "covenant" ("id"),
  "visit_date" text collate "C" not null,
  "visit_time" text collate "C" not null,
  "summary" text collate "C" not null,
  "latitude" double precision,
  "longitude" double precision,
  "accuracy" double precision,
  "located_at" text collate "C",
  "revision" bigint not null,
  "content_hash" text collate "C" not null,
  "body" text collate "C" not null,
  "receipt_number" text collate "C" not null unique,
  "committed_at" text collate "C" not null,
  "created_at" text collate "C" not null,
  "updated_at" text collate "C" not null
);
create table "report_entry" (
  "report_id" text collate "C" not null references "report" ("id"),
  "commitment_id" text collate "C" not null references "commitment" ("id"),
  "status" text collate "C" not null check (status in ('not_started', 'in_progress', 'done')),
  "amount" double precision,
  "note" text collate "C" not null,
  constraint "report_entry_pk" primary key ("report_id", "commitment_id")
);
create table "photo_blob" (
  "sha256" text collate "C" primary key,
  "size" integer not null,
  "type" text collate "C" not null,
  "stored_at" text collate "C" default (to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) not null
);
create table "photo" (
  "report_id" text collate "C" not null references "report" ("id"),
  "id" text collate "C" not null,
  "position" integer not null,
  "sha256" text collate "C" not null,
  "size" integer not null,
  "type" text collate "C" not null,
  "width" integer not null,
  "height" integer not null,
  "caption" text collate "C" not null,
  "taken_at" text collate "C" not null,
  "received_at" text collate "C",
  "removed_at" text collate "C",
  "captured_at" text collate "C",
  "captured_latitude" double precision,
  "captured_longitude" double precision,
  "fingerprint" text collate "C",
  constraint "photo_pk" primary key ("report_id", "id")
);
create table "review" (
  "id" text collate "C" primary key,
  "report_id" text collate "C" not null references "report" ("id"),
  "revision" bigint not null,
  "status" text collate "C" not null check (status in ('accepted', 'needs_more')),
  "comment" text collate "C" not null,
  "reviewer_id" text collate "C" not null references "member" ("id"),
  "at" text collate "C" not null,
  "rev" bigint not null
);
create table "audit_log" (
  "id" bigint generated by default as identity primary key,
  "at" text collate "C" not null,
  "actor_id" text collate "C" not null references "member" ("id"),
  "unit_id" text collate "C" references "unit" ("id"),
  "action" text collate "C" not null,
  "details" text collate "C" not null
);
create table "evaluation" (
  "covenant_id" text collate "C" primary key references "covenant" ("id"),
  "rules" text collate "C" not null,
  "published_at" text collate "C",
  "updated_at" text collate "C" not null
);
create table "self_assessment" (
  "covenant_id" text collate "C" not null references "covenant" ("id"),
  "unit_id" text collate "C" not null references "unit" ("id"),
  "status" text collate "C" not null check (status in ('draft', 'submitted', 'returned')),
  "comment" text collate "C" not null,
  "submitted_at" text collate "C",
  "updated_at" text collate "C" not null,
  constraint "self_assessment_pk" primary key ("covenant_id", "unit_id")
);
create table "score" (
  "covenant_id" text collate "C" not null references "covenant" ("id"),
  "unit_id" text collate "C" not null references "unit" ("id"),
  "commitment_id" text collate "C" not null references "commitment" ("id"),
  "stage" text collate "C" not null check (stage in ('self', 'bloc')),
  "scorer_unit_id" text collate "C" not null,
  "points" double precision not null check (points >= 0),
  "note" text collate "C" not null,
  "evidence" text collate "C" not null,
  "at" text collate "C" not null,
  "by_id" text collate "C" not null references "member" ("id"),
  constraint "score_pk" primary key ("covenant_id", "unit_id", "commitment_id", "stage", "scorer_unit_id")
);
create table "score_item" (
  "id" bigint generated by default as identity primary key,
  "covenant_id" text collate "C" not null references "covenant" ("id"),
  "unit_id" text collate "C" not null references "unit" ("id"),
  "stage" text collate "C" not null check (stage in ('self', 'bloc')),
  "scorer_unit_id" text collate "C" not null,
  "kind" text collate "C" not null check (kind in ('bonus', 'penalty')),
  "title" text collate "C" not null,
  "points" double precision not null check (points >= 0),
  "reason" text collate "C" not null,
  "evidence" text collate "C" not null
);
create table "vote" (
  "covenant_id" text collate "C" not null references "covenant" ("id"),
  "unit_id" text collate "C" not null references "unit" ("id"),
  "votes" integer not null check (votes >= 0),
  constraint "vote_pk" primary key ("covenant_id", "unit_id")
);
create table "exemplar" (
  "id" text collate "C" primary key,
  "unit_id" text collate "C" not null references "unit" ("id"),
  "covenant_id" text collate "C" not null references "covenant" ("id"),
  "author_id" text collate "C" not null references "member" ("id"),
  "device_id" text collate "C" not null,
  "kind" text collate "C" not null check (kind in ('individual', 'collective')),
  "nominee" text collate "C" not null,
  "role" text collate "C" not null,
  "story" text collate "C" not null,
  "revision" bigint not null,
  "content_hash" text collate "C" not null,
  "receipt_number" text collate "C" not null unique,
  "committed_at" text collate "C" not null,
  "created_at" text collate "C" not null,
  "edited_at" text collate "C",
  "edited_by" text collate "C" references "member" ("id")
);
create table "proposal" (
  "id" text collate "C" primary key,
  "covenant_id" text collate "C" not null references "covenant" ("id"),
  "award" text collate "C" not null,
  "unit_id" text collate "C" references "unit" ("id"),
  "nominee" text collate "C" not null,
  "achievements" text collate "C" not null,
  "evidence" text collate "C" not null,
  "status" text collate "C" not null check (status in ('proposed', 'approved')),
  "updated_at" text collate "C" not null,
  "exemplar_id" text collate "C" references "exemplar" ("id")
);
create table "report_revision" (
  "report_id" text collate "C" not null references "report" ("id"),
  "revision" bigint not null,
  "device_id" text collate "C" not null,
  "member_id" text collate "C" not null references "member" ("id"),
  "committed_at" text collate "C" not null,
  "body" text collate "C" not null,
  constraint "report_revision_pk" primary key ("report_id", "revision")
);
create table "exemplar_photo" (
  "exemplar_id" text collate "C" not null references "exemplar" ("id"),
  "id" text collate "C" not null,
  "position" integer not null,
  "sha256" text collate "C" not null,
  "size" integer not null,
  "type" text collate "C" not null,
  "width" integer not null,
  "height" integer not null,
  "caption" text collate "C" not null,
  "taken_at" text collate "C" not null,
  "received_at" text collate "C",
  constraint "exemplar_photo_pk" primary key ("exemplar_id", "id")
);
create table "removal" (
  "id" text collate "C" primary key,
  "report_id" text collate "C" not null,
  "photo_id" text collate "C",
  "unit_id" text collate "C" not null references "unit" ("id"),
  "reason" text collate "C" not null,
  "removed_by" text collate "C" not null references "member" ("id"),
  "removed_at" text collate "C" not null,
  "rev" bigint not null
);
create index "audit_log_unit" on "audit_log" ("unit_id", "id");
create index "commitment_covenant" on "commitment" ("covenant_id", "position");
create index "exemplar_covenant" on "exemplar" ("covenant_id", "unit_id");
create index "exemplar_photo_sha256" on "exemplar_photo" ("sha256");
create index "photo_sha256" on "photo" ("sha256");
create index "proposal_covenant" on "proposal" ("covenant_id");
create index "removal_report" on "removal" ("report_id", "photo_id");
create index "removal_unit_rev" on "removal" ("unit_id", "rev");
create index "report_commune" on "report" ("commune_id", "visit_date");
create index "report_covenant_visit" on "report" ("covenant_id", "visit_date", "committed_at");
create index "report_entry_commitment" on "report_entry" ("commitment_id");
create index "report_unit" on "report" ("unit_id", "visit_date");
create index "report_unit_covenant" on "report" ("unit_id", "covenant_id", "id");
create index "review_report" on "review" ("report_id", "at");
create index "review_rev" on "review" ("rev");
create index "score_item_unit" on "score_item" ("covenant_id", "unit_id", "stage");`

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(schema).execute(db)
  await sql`insert into revision (id, value) values (1, 0)`.execute(db)
}

export function down(): Promise<void> {
  return Promise.reject(new Error('The baseline is not undone: drop the database instead.'))
}
