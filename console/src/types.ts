/** The attributes the console reads from the API (README, docs/*.md). */
export interface TokenAttributes {
  name: string;
  token: string | null;
  can_access_cda: boolean;
  can_access_cda_preview: boolean;
  can_access_cma: boolean;
  hardcoded_type: 'admin' | 'readonly' | null;
  last_cma_access: string | null;
  last_cda_access: string | null;
  last_cma_access_at: string | null;
  last_cda_access_at: string | null;
  display_key: string;
  permissions: string[];
  enabled: boolean;
  expires_at: string | null;
  ip_allowlist: string[] | null;
  rate_limit: Record<string, { limit: number; period_seconds: number }> | null;
  created_at: string;
  updated_at: string;
  rotated_at: string | null;
}

export interface RoleAttributes {
  name: string;
  [flag: string]: unknown;
}

export interface UserAttributes {
  email: string;
  full_name: string;
  is_active: boolean;
}

export interface SiteAttributes {
  name: string;
  timezone: string;
  secret_mode: 'retrievable' | 'once';
}

export interface AuditAttributes {
  occurred_at: string;
  action: string;
  actor_type: string;
  actor_id: string | null;
  subject_type: string;
  subject_id: string | null;
  client_ip: string | null;
  request_id: string | null;
  changes: unknown;
}

export interface ItemTypeAttributes {
  name: string;
  api_key: string;
  tree: boolean;
}
