/** "May this token do P on record R from IP X?" — asked of `GET /access_tokens/:id/check`. */
import { useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { ALL_PERMISSIONS } from '../logic/permissions.ts';
import { errorText } from '../useLoad.ts';

interface CheckAnswer {
  allowed: boolean;
  layer: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}

export function Explainer(props: { tokenId: string; unavailable: string | null }) {
  const [permission, setPermission] = useState('content:read');
  const [surface, setSurface] = useState<'cma' | 'cda'>('cda');
  const [drafts, setDrafts] = useState(false);
  const [item, setItem] = useState('');
  const [ip, setIp] = useState('');
  const [answer, setAnswer] = useState<CheckAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const check = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setAnswer(null);
    try {
      const params = query({ permission, surface, include_drafts: drafts ? 'true' : undefined, item: item.trim(), ip: ip.trim() });
      const doc = await api<{ attributes: CheckAnswer }>('GET', `/access_tokens/${props.tokenId}/check${params}`);
      setAnswer(doc.data.attributes);
    } catch (caught) {
      setError(errorText(caught));
    }
  };
  return (
    <section aria-labelledby="explainer-title" class="card">
      <h2 id="explainer-title">Access explainer</h2>
      {props.unavailable ? (
        <p class="unavailable">{props.unavailable}</p>
      ) : (
        <form onSubmit={check} class="explainer">
          <label>
            Permission
            <select value={permission} onChange={(e) => setPermission(e.currentTarget.value)}>
              {ALL_PERMISSIONS.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <label>
            Surface
            <select value={surface} onChange={(e) => setSurface(e.currentTarget.value as 'cma' | 'cda')}>
              <option value="cda">Content Delivery API</option>
              <option value="cma">Content Management API</option>
            </select>
          </label>
          <label>
            <input type="checkbox" checked={drafts} onChange={(e) => setDrafts(e.currentTarget.checked)} /> Include drafts
          </label>
          <label>
            Record id
            <input value={item} inputMode="numeric" placeholder="optional" onInput={(e) => setItem(e.currentTarget.value)} />
          </label>
          <label>
            Client IP
            <input value={ip} placeholder="optional, e.g. 203.0.113.9" onInput={(e) => setIp(e.currentTarget.value)} />
          </label>
          <button type="submit">Check access</button>
        </form>
      )}
      <div aria-live="polite">
        {error && <p class="field-error">{error}</p>}
        {answer && (
          <p class={answer.allowed ? 'verdict allowed' : 'verdict denied'} data-testid="verdict">
            {answer.allowed
              ? `Allowed: every layer lets ${permission} through.`
              : `Refused by the ${answer.layer ?? 'unknown'} layer: ${(answer.reason ?? '').replaceAll('_', ' ')}.`}
            {typeof answer.details.network === 'string' && ` IP allowlist: ${answer.details.network.replaceAll('_', ' ')}.`}
          </p>
        )}
      </div>
    </section>
  );
}
