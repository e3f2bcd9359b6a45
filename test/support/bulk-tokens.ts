/**
 * Many tokens written straight into the database, for list tests that need more rows than one
 * streamed chunk: creating hundreds through the API would spend the suite's time on escalation
 * checks and secret sealing that other suites already cover. They have no stored secret.
 */
import { randomBytes } from 'node:crypto';
import type { Harness } from './harness.ts';

export async function insertTokens(h: Harness, count: number, roleId: string): Promise<void> {
  const now = new Date(h.clock.now()).toISOString();
  const rows = Array.from({ length: count }, (_, i) => ({
    name: `Bulk ${i}`,
    secret_hash: randomBytes(32).toString('hex'),
    sealed_secret: null,
    display_key: `lk_bulk…${String(i).padStart(4, '0')}`,
    hardcoded_type: null,
    can_access_cda: 1,
    can_access_cda_preview: 0,
    can_access_cma: 0,
    role_id: Number(roleId),
    user_id: null,
    permissions: '["content:read"]',
    root_node_ids: '[]',
    enabled: 1,
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 200) {
    await h.runtime.store.db
      .insertInto('access_tokens')
      .values(rows.slice(i, i + 200))
      .execute();
  }
}
