import { useState } from 'preact/hooks';
import { api, query, type Resource } from '../api.ts';
import { Time } from '../components/Field.tsx';
import { useSession } from '../state.ts';
import type { AuditAttributes } from '../types.ts';
import { useLoad } from '../useLoad.ts';
// The server's own list: built into the bundle, so the filter offers every action the log records.
import { AUDIT_ACTIONS as ACTIONS } from '../../../src/core/audit.ts';

const PAGE = 50;

/** `datetime-local` values are local times; the API wants ISO-8601 with an offset. */
function iso(local: string): string | undefined {
  if (local === '') return undefined;
  const ms = Date.parse(local);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Updates list the fields that changed; creates and deletes carry a whole snapshot, summarised. */
function changesText(action: string, changes: unknown): string {
  if (!changes || typeof changes !== 'object') return '';
  const fields = Object.keys(changes);
  if (action.endsWith('.create') || action.endsWith('.destroy')) return `snapshot (${fields.length} fields)`;
  return fields.join(', ');
}

export function AuditPage() {
  const { can } = useSession();
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [offset, setOffset] = useState(0);
  const unavailable = can.why('audit_log_events.list');
  const params = query({
    'filter[action]': action,
    'filter[actor_id]': actor.trim(),
    'filter[since]': iso(since),
    'filter[until]': iso(until),
    'page[offset]': offset,
    'page[limit]': PAGE,
  });
  const [loaded] = useLoad(async () => (unavailable ? null : api<Resource<AuditAttributes>[]>('GET', `/audit_log_events${params}`)), params);
  const total = loaded.state === 'ready' && loaded.value ? Number(loaded.value.meta?.total_count ?? 0) : 0;
  const reset =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setOffset(0);
    };
  return (
    <section>
      <h1>Audit log</h1>
      {unavailable && <p class="unavailable">{unavailable}</p>}
      <div class="filters" role="search">
        <label>
          Action
          <select value={action} onChange={(e) => reset(setAction)(e.currentTarget.value)}>
            <option value="">Any action</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          Actor token id <input value={actor} inputMode="numeric" onInput={(e) => reset(setActor)(e.currentTarget.value)} />
        </label>
        <label>
          Since <input type="datetime-local" value={since} onInput={(e) => reset(setSince)(e.currentTarget.value)} />
        </label>
        <label>
          Until <input type="datetime-local" value={until} onInput={(e) => reset(setUntil)(e.currentTarget.value)} />
        </label>
      </div>
      {loaded.state === 'error' && (
        <p class="field-error" role="alert">
          {loaded.message}
        </p>
      )}
      {loaded.state === 'ready' && loaded.value && (
        <>
          <p class="count">{total} events</p>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Subject</th>
                  <th scope="col">From</th>
                  <th scope="col">Changes</th>
                </tr>
              </thead>
              <tbody>
                {loaded.value.data.map((event) => {
                  const a = event.attributes;
                  return (
                    <tr key={event.id}>
                      <td>
                        <Time iso={a.occurred_at} />
                      </td>
                      <td class="mono">{a.action}</td>
                      <td>
                        {a.actor_type}
                        {a.actor_id ? ` #${a.actor_id}` : ''}
                      </td>
                      <td>
                        {a.subject_type}
                        {a.subject_id ? ` #${a.subject_id}` : ''}
                      </td>
                      <td>{a.client_ip ?? '—'}</td>
                      <td class="mono changes">{changesText(a.action, a.changes)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div class="pager">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              Newer
            </button>
            <button type="button" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
              Older
            </button>
          </div>
        </>
      )}
    </section>
  );
}
