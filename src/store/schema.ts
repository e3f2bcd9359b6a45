/**
 * @module
 * Table types for Kysely. Booleans are stored as 0/1 integers and JSON as text in both SQLite and
 * PostgreSQL, so one query layer serves both without dialect branches.
 */
import type { Generated } from 'kysely';
import type { GRANT_FIELDS } from '../core/grants.ts';

export interface SiteTable {
  id: number;
  name: string;
  time_zone: string;
  created_at: string;
  updated_at: string;
}

export interface RoleTable {
  id: Generated<number>;
  name: string;
  attributes: string;
  inherits_from: string;
  created_at: string;
  updated_at: string;
}

export interface UserTable {
  id: Generated<number>;
  email: string;
  full_name: string;
  is_active: number;
  role_id: number;
  created_at: string;
  updated_at: string;
}

/** How each storage kind of `core/grants.ts` sits in a column. */
export interface StoredColumns {
  readonly text: string;
  readonly 'nullable-text': string | null;
  readonly flag: number;
  readonly id: number | null;
  readonly list: string;
  readonly 'id-list': string;
  readonly 'nullable-json': string | null;
}
type GrantFields = typeof GRANT_FIELDS;
/** One column per grant field, named and typed by its declaration. */
type GrantColumns = { [K in keyof GrantFields as GrantFields[K]['column']]: StoredColumns[GrantFields[K]['stored']] };

export interface AccessTokenTable extends GrantColumns {
  id: Generated<number>;
  secret_hash: string;
  sealed_secret: string | null;
  display_key: string;
  hardcoded_type: string | null;
  created_by_token_id: number | null;
  created_at: string;
  updated_at: string;
  rotated_at: string | null;
  last_cma_access_at: string | null;
  last_cda_access_at: string | null;
}

/** Secrets replaced by a rotation with a grace period, valid until `valid_until`. */
export interface PreviousSecretTable {
  secret_hash: string;
  token_id: number;
  valid_until: string;
}

/** One audit entry; `changes` is JSON and never holds a secret, a hash or a ciphertext. */
export interface AuditLogEventTable {
  id: Generated<number>;
  occurred_at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string | null;
  client_ip: string | null;
  request_id: string | null;
  changes: string;
}

export interface ItemTypeTable {
  id: Generated<number>;
  name: string;
  api_key: string;
  tree: number;
  draft_mode_active: Generated<number>;
  singleton: Generated<number>;
  /** JSON: DatoCMS's model attributes kept and returned (see migration 009). */
  settings: Generated<string>;
  /** JSON: the model's relationships to its fields (ordering_field, title_field, …) by field id. */
  field_refs: Generated<string>;
  created_at: string;
  updated_at: string;
}

/** A model's field (see migration 009); `validators`, `default_value` and `appearance` are JSON. */
export interface FieldTable {
  id: Generated<number>;
  item_type_id: number;
  api_key: string;
  label: string;
  field_type: string;
  validators: string;
  position: number;
  hint: string | null;
  default_value: string | null;
  appearance: string;
}

export interface ItemTable {
  id: Generated<number>;
  item_type_id: number;
  parent_id: number | null;
  position: number;
  /** Materialised path `/a/b/self/` (see migration 002). */
  path: string;
  current: string;
  published: string | null;
  status: string;
  creator_type: string;
  creator_id: string;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  /** Saves so far, from 1 (see migration 008). */
  version: Generated<number>;
  first_published_at: string | null;
}

/** Per-model record counters (see migration 005). */
export interface ItemCountTable {
  item_type_id: number;
  total: number;
  published: number;
}

/** Per-item, per-model subtree counters (see migration 006). */
export interface ItemSubtreeCountTable {
  ancestor_id: number;
  item_type_id: number;
  total: number;
  published: number;
}

/** Results of background jobs, read by their creator until they expire (see migration 010). */
export interface JobResultTable {
  id: string;
  owner_token_id: string;
  status: number;
  /** The JSON document the job's request would have answered. */
  payload: string;
  created_at: string;
  expires_at: string;
}

export interface Database {
  site: SiteTable;
  roles: RoleTable;
  users: UserTable;
  access_tokens: AccessTokenTable;
  previous_secrets: PreviousSecretTable;
  audit_log_events: AuditLogEventTable;
  item_types: ItemTypeTable;
  fields: FieldTable;
  items: ItemTable;
  item_counts: ItemCountTable;
  item_subtree_counts: ItemSubtreeCountTable;
  job_results: JobResultTable;
}
