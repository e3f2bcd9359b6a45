import { useMemo, useState } from 'preact/hooks';
import type { Resource } from '../api.ts';
import { Link } from '../components/Link.tsx';
import { SecretField } from '../components/SecretField.tsx';
import { TokenForm } from '../components/TokenForm.tsx';
import { loadDirectory } from '../directory.ts';
import type { TokenFormValues } from '../logic/token-form.ts';
import { useSession } from '../state.ts';
import type { TokenAttributes } from '../types.ts';
import { useLoad } from '../useLoad.ts';

export function NewTokenPage() {
  const { can, access, site } = useSession();
  const [created, setCreated] = useState<Resource<TokenAttributes> | null>(null);
  const [directory] = useLoad(() => loadDirectory(can), 'directory');
  const initial = useMemo<TokenFormValues>(
    () => ({
      name: '',
      basis: 'role',
      roleId: access.role?.id ?? '',
      userId: '',
      cda: true,
      cdaPreview: false,
      cma: false,
      permissions: ['content:read'],
      rootNodes: [],
      expiry: '90',
      customDate: '',
      ipAllowlist: '',
      cmaLimit: '',
      cmaPeriod: '',
      cdaLimit: '',
      cdaPeriod: '',
    }),
    [access],
  );
  if (created) {
    return (
      <section>
        <h1>API token created</h1>
        <p>
          <strong>{created.attributes.name}</strong> is ready.
        </p>
        {created.attributes.token && <SecretField secret={created.attributes.token} once={site?.secret_mode === 'once'} />}
        <p>
          <Link to={`/tokens/${created.id}`}>Open {created.attributes.name}</Link> · <Link to="/tokens">Back to the API tokens</Link>
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1>New API token</h1>
      {!can.may('access_tokens.create') && <p class="unavailable">{can.why('access_tokens.create')}</p>}
      {directory.state === 'loading' && <p class="loading">Loading…</p>}
      {directory.state === 'error' && <p class="field-error">{directory.message}</p>}
      {directory.state === 'ready' && <TokenForm initial={initial} directory={directory.value} submitLabel="Create API token" onSaved={setCreated} />}
    </section>
  );
}
