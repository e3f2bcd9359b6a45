import { useMemo, useState } from 'preact/hooks';
import { api, query, relId, relIds, type Resource } from '../api.ts';
import { Confirm } from '../components/Confirm.tsx';
import { Explainer } from '../components/Explainer.tsx';
import { Time } from '../components/Field.tsx';
import { History } from '../components/History.tsx';
import { Link } from '../components/Link.tsx';
import { SecretField } from '../components/SecretField.tsx';
import { TokenForm } from '../components/TokenForm.tsx';
import { loadDirectory, roleName, userName, type Directory } from '../directory.ts';
import { GRACE_CHOICES, graceSeconds, type GraceChoice } from '../logic/expiry.ts';
import { tokenStatus } from '../logic/status.ts';
import type { TokenFormValues } from '../logic/token-form.ts';
import { navigate } from '../router.ts';
import { useSession } from '../state.ts';
import type { TokenAttributes } from '../types.ts';
import { errorText, useLoad } from '../useLoad.ts';
import { surfaces } from './Tokens.tsx';

type Token = Resource<TokenAttributes>;
type Action = 'rotate' | 'toggle' | 'delete';

function formValues(token: Token): TokenFormValues {
  const a = token.attributes;
  const user = relId(token, 'user');
  return {
    name: a.name,
    basis: user !== null ? 'user' : 'role',
    roleId: relId(token, 'role') ?? '',
    userId: user ?? '',
    cda: a.can_access_cda,
    cdaPreview: a.can_access_cda_preview,
    cma: a.can_access_cma,
    permissions: a.permissions,
    rootNodes: relIds(token, 'root_nodes'),
    expiry: 'keep',
    customDate: '',
    ipAllowlist: (a.ip_allowlist ?? []).join('\n'),
    cmaLimit: a.rate_limit?.cma ? String(a.rate_limit.cma.limit) : '',
    cmaPeriod: a.rate_limit?.cma ? String(a.rate_limit.cma.period_seconds) : '',
    cdaLimit: a.rate_limit?.cda ? String(a.rate_limit.cda.limit) : '',
    cdaPeriod: a.rate_limit?.cda ? String(a.rate_limit.cda.period_seconds) : '',
  };
}

export function TokenPage(props: { id: string }) {
  const { can } = useSession();
  const [round, setRound] = useState(0);
  const [loaded] = useLoad(async () => {
    const [token, directory] = await Promise.all([api<Token>('GET', `/access_tokens/${encodeURIComponent(props.id)}`).then((d) => d.data), loadDirectory(can)]);
    return { token, directory };
  }, `${props.id}:${round}`);
  if (loaded.state === 'loading') return <p class="loading">Loading…</p>;
  if (loaded.state === 'error')
    return (
      <section>
        <h1>API token</h1>
        <p class="field-error" role="alert">
          {loaded.message}
        </p>
        <Link to="/tokens">Back to the API tokens</Link>
      </section>
    );
  return <TokenDetail token={loaded.value.token} directory={loaded.value.directory} refresh={() => setRound((r) => r + 1)} round={round} />;
}

function TokenDetail(props: { token: Token; directory: Directory; refresh: () => void; round: number }) {
  const { can, me, site } = useSession();
  const { token } = props;
  const a = token.attributes;
  const [action, setAction] = useState<Action | null>(null);
  const [grace, setGrace] = useState<GraceChoice>('0');
  const [customMinutes, setCustomMinutes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [freshSecret, setFreshSecret] = useState<string | null>(null);
  const [revealed, setRevealed] = useState(false);
  const [saved, setSaved] = useState(false);
  const initial = useMemo(() => formValues(token), [token]);
  const factory = a.hardcoded_type !== null;
  const self = token.id === me.id;
  const mayWrite = can.may('access_tokens.update');
  const writeWhy = can.why('access_tokens.update');
  const role = relId(token, 'role');

  const run = async () => {
    if (!action) return;
    setBusy(true);
    setError(null);
    try {
      if (action === 'rotate') {
        const seconds = graceSeconds(grace, customMinutes);
        if (seconds === null) throw new Error('Enter the grace period in whole minutes');
        const doc = await api<Token>('POST', `/access_tokens/${token.id}/regenerate_token${query({ grace_period: seconds || undefined })}`);
        setFreshSecret(doc.data.attributes.token);
        props.refresh();
      } else if (action === 'toggle') {
        await api('PUT', `/access_tokens/${token.id}`, { data: { type: 'access_token', id: token.id, attributes: { enabled: !a.enabled } } });
        props.refresh();
      } else {
        await api('DELETE', `/access_tokens/${token.id}`);
        navigate('/tokens');
        return;
      }
      setAction(null);
    } catch (caught) {
      setError(caught instanceof Error && caught.name !== 'ApiError' ? caught.message : errorText(caught));
    } finally {
      setBusy(false);
    }
  };

  const unavailableNote = self ? 'This is the token you are signed in with.' : writeWhy;
  return (
    <section>
      <p>
        <Link to="/tokens">← API tokens</Link>
      </p>
      <div class="page-head start">
        <h1>{a.name}</h1>
        <span class={`status status-${tokenStatus(a, Date.now()).replace(' ', '-')}`}>{tokenStatus(a, Date.now())}</span>
      </div>
      <dl class="facts">
        <dt>Key</dt>
        <dd class="mono">{a.display_key}</dd>
        <dt>{role !== null ? 'Role' : 'Base user'}</dt>
        <dd>{role !== null ? roleName(props.directory, role) : userName(props.directory, relId(token, 'user'))}</dd>
        <dt>Surfaces</dt>
        <dd>{surfaces(a)}</dd>
        <dt>Permissions</dt>
        <dd class="mono">{a.permissions.join(', ')}</dd>
        <dt>Last CMA use</dt>
        <dd>
          <Time iso={a.last_cma_access_at} bucket={a.last_cma_access} />
        </dd>
        <dt>Last CDA use</dt>
        <dd>
          <Time iso={a.last_cda_access_at} bucket={a.last_cda_access} />
        </dd>
        <dt>Expires</dt>
        <dd>{a.expires_at === null ? 'never' : <Time iso={a.expires_at} />}</dd>
        <dt>Rotated</dt>
        <dd>{a.rotated_at === null ? 'never' : <Time iso={a.rotated_at} />}</dd>
      </dl>

      <div class="toolbar" role="group" aria-label="Token actions">
        <button type="button" disabled={!mayWrite || self} onClick={() => setAction('rotate')}>
          Rotate
        </button>
        <button type="button" disabled={!mayWrite || self} onClick={() => setAction('toggle')}>
          {a.enabled ? 'Disable' : 'Enable'}
        </button>
        <button type="button" class="danger" disabled={!can.may('access_tokens.destroy') || self} onClick={() => setAction('delete')}>
          Delete
        </button>
      </div>
      {(self || writeWhy) && <p class="unavailable">{unavailableNote}</p>}
      {error && !action && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}

      {freshSecret && (
        <div class="card">
          <h2>New secret</h2>
          <SecretField secret={freshSecret} once={site?.secret_mode === 'once'} />
        </div>
      )}

      <div class="card">
        <h2>Secret</h2>
        {a.token === null ? (
          <p class="hint">
            {site?.secret_mode === 'once'
              ? 'This project keeps secrets in once mode: a secret is shown only when it is created or rotated. Rotate to get a new one.'
              : 'The secret cannot be shown to your token: it holds rights yours lacks, or your token may not manage tokens.'}
          </p>
        ) : revealed ? (
          <SecretField secret={a.token} once={false} />
        ) : (
          <button type="button" onClick={() => setRevealed(true)}>
            Reveal secret
          </button>
        )}
      </div>

      <div class="card">
        <h2>Edit</h2>
        {factory ? (
          <p class="hint">
            This is a factory token ({a.hardcoded_type === 'admin' ? 'full access' : 'read-only'}): its rights are fixed so that a project always keeps a
            working
            {a.hardcoded_type === 'admin' ? ' full-access' : ' read-only'} credential. It can be rotated, disabled or deleted, not edited.
          </p>
        ) : !mayWrite ? (
          <p class="unavailable">{writeWhy}</p>
        ) : (
          <>
            {saved && (
              <p class="ok" role="status">
                Saved.
              </p>
            )}
            <TokenForm
              id={token.id}
              initial={initial}
              directory={props.directory}
              submitLabel="Save changes"
              onSaved={() => {
                setSaved(true);
                props.refresh();
              }}
            />
          </>
        )}
      </div>

      <Explainer tokenId={token.id} unavailable={can.why('access_tokens.check')} />
      <History subjectType="access_token" subjectId={token.id} unavailable={can.why('audit_log_events.list')} round={props.round} />

      {action && (
        <Confirm
          title={action === 'rotate' ? `Rotate ${a.name}?` : action === 'toggle' ? `${a.enabled ? 'Disable' : 'Enable'} ${a.name}?` : `Delete ${a.name}?`}
          busy={busy}
          onCancel={() => {
            setAction(null);
            setError(null);
          }}
          onConfirm={() => void run()}
        >
          {action === 'rotate' && (
            <fieldset>
              <legend>Grace period for the old secret</legend>
              {GRACE_CHOICES.map((choice) => (
                <label key={choice.value} class="block">
                  <input type="radio" name="grace" checked={grace === choice.value} onChange={() => setGrace(choice.value)} /> {choice.label}
                </label>
              ))}
              {grace === 'custom' && (
                <label class="block">
                  Grace period in minutes <input type="number" min={0} value={customMinutes} onInput={(e) => setCustomMinutes(e.currentTarget.value)} />
                </label>
              )}
            </fieldset>
          )}
          {action === 'toggle' && <p>{a.enabled ? 'Requests with this token are refused until it is enabled again.' : 'The token works again at once.'}</p>}
          {action === 'delete' && <p>The token stops working at once. This cannot be undone.</p>}
          {error && (
            <p class="field-error" role="alert">
              {error}
            </p>
          )}
        </Confirm>
      )}
    </section>
  );
}
