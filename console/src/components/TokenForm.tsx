import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, type Resource } from '../api.ts';
import type { Directory } from '../directory.ts';
import { EXPIRY_PRESETS } from '../logic/expiry.ts';
import { fieldMessages, type FieldMessage, type TokenField } from '../logic/errors.ts';
import { buildTokenDocument, type TokenFormValues } from '../logic/token-form.ts';
import { useSession } from '../state.ts';
import type { TokenAttributes } from '../types.ts';
import { errorText } from '../useLoad.ts';
import { FieldError } from './Field.tsx';
import { PermissionPicker } from './PermissionPicker.tsx';
import { TreePicker } from './TreePicker.tsx';

export function FieldErrors(props: { field: TokenField; errors: FieldMessage[] }) {
  const messages = props.errors.filter((e) => e.field === props.field).map((e) => e.message);
  return <FieldError id={`error-${props.field}`} message={messages.length ? messages.join(' ') : undefined} />;
}

export function TokenForm(props: {
  initial: TokenFormValues;
  directory: Directory;
  id?: string;
  submitLabel: string;
  onSaved: (token: Resource<TokenAttributes>) => void;
}) {
  const { access, can } = useSession();
  const [values, setValues] = useState(props.initial);
  const [errors, setErrors] = useState<FieldMessage[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => setValues(props.initial), [props.initial]);
  const set = <K extends keyof TokenFormValues>(key: K, value: TokenFormValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const has = (field: TokenField) => errors.some((e) => e.field === field);
  const describedBy = (field: TokenField) => (has(field) ? `error-${field}` : undefined);
  const treeModels = useMemo(() => new Set(props.directory.itemTypes.filter((t) => t.attributes.tree).map((t) => t.id)), [props.directory]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const built = buildTokenDocument(values, Date.now(), props.id);
    if (!built.ok) return setErrors([{ field: built.field, message: built.message, layer: null }]);
    setBusy(true);
    setErrors([]);
    try {
      const saved = props.id
        ? await api<Resource<TokenAttributes>>('PUT', `/access_tokens/${props.id}`, built.document)
        : await api<Resource<TokenAttributes>>('POST', '/access_tokens', built.document);
      props.onSaved(saved.data);
    } catch (caught) {
      setErrors(caught instanceof ApiError ? fieldMessages(caught.body) : [{ field: 'form', message: errorText(caught), layer: null }]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="token-form" onSubmit={submit} noValidate>
      <FieldErrors field="form" errors={errors} />
      <div class="row">
        <label for="token-name">Name</label>
        <input
          id="token-name"
          required
          maxLength={200}
          value={values.name}
          aria-invalid={has('name')}
          aria-describedby={describedBy('name')}
          onInput={(e) => set('name', e.currentTarget.value)}
        />
        <FieldErrors field="name" errors={errors} />
      </div>

      <fieldset>
        <legend>Based on</legend>
        <div class="inline">
          <label>
            <input type="radio" name="basis" checked={values.basis === 'role'} onChange={() => set('basis', 'role')} /> a role
          </label>
          <label>
            <input type="radio" name="basis" checked={values.basis === 'user'} disabled={!can.may('users.list')} onChange={() => set('basis', 'user')} /> a user
            (follows that user's role)
          </label>
        </div>
        {values.basis === 'role' ? (
          <div class="row">
            <label for="token-role">Role</label>
            <select
              id="token-role"
              value={values.roleId}
              aria-invalid={has('role')}
              aria-describedby={describedBy('role')}
              onChange={(e) => set('roleId', e.currentTarget.value)}
            >
              <option value="">Choose a role…</option>
              {props.directory.roles.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.attributes.name}
                </option>
              ))}
              {values.roleId !== '' && !props.directory.roles.some((r) => r.id === values.roleId) && (
                <option value={values.roleId}>{values.roleId === access.role?.id ? access.role.name : `Role #${values.roleId}`}</option>
              )}
            </select>
            {!can.may('roles.list') && <p class="unavailable">Your token may not list roles; only its own role is offered.</p>}
          </div>
        ) : (
          <div class="row">
            <label for="token-user">Base user</label>
            <select
              id="token-user"
              value={values.userId}
              aria-invalid={has('role')}
              aria-describedby={describedBy('role')}
              onChange={(e) => set('userId', e.currentTarget.value)}
            >
              <option value="">Choose a user…</option>
              {props.directory.users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.attributes.full_name} ({u.attributes.email})
                </option>
              ))}
            </select>
          </div>
        )}
        <FieldErrors field="role" errors={errors} />
      </fieldset>

      <fieldset aria-describedby={describedBy('can_access_cma') ?? describedBy('can_access_cda') ?? describedBy('can_access_cda_preview')}>
        <legend>API surfaces</legend>
        {(
          [
            ['cda', 'can_access_cda', 'Content Delivery API'],
            ['cdaPreview', 'can_access_cda_preview', 'Content Delivery API with drafts'],
            ['cma', 'can_access_cma', 'Content Management API'],
          ] as const
        ).map(([key, field, label]) => (
          <div key={key}>
            <label>
              <input type="checkbox" checked={values[key]} aria-invalid={has(field)} onChange={(e) => set(key, e.currentTarget.checked)} /> {label}
            </label>
            <FieldErrors field={field} errors={errors} />
          </div>
        ))}
      </fieldset>

      <PermissionPicker
        value={values.permissions}
        own={access.permissions}
        onChange={(next) => set('permissions', next)}
        describedBy={describedBy('permissions')}
      />
      <FieldErrors field="permissions" errors={errors} />

      <TreePicker
        value={values.rootNodes}
        onChange={(next) => set('rootNodes', next)}
        treeModels={treeModels}
        unavailable={can.why('items.list')}
        describedBy={describedBy('root_nodes')}
      />
      <FieldErrors field="root_nodes" errors={errors} />

      <fieldset aria-describedby={describedBy('expires_at')}>
        <legend>Expiry</legend>
        <div class="inline">
          {props.id && (
            <label>
              <input type="radio" name="expiry" checked={values.expiry === 'keep'} onChange={() => set('expiry', 'keep')} /> Keep the current expiry
            </label>
          )}
          {EXPIRY_PRESETS.map((preset) => (
            <label key={preset.value}>
              <input type="radio" name="expiry" checked={values.expiry === preset.value} onChange={() => set('expiry', preset.value)} /> {preset.label}
            </label>
          ))}
        </div>
        {values.expiry === 'custom' && (
          <div class="row">
            <label for="token-expiry-date">Expiry date</label>
            <input id="token-expiry-date" type="date" value={values.customDate} onInput={(e) => set('customDate', e.currentTarget.value)} />
          </div>
        )}
        <FieldErrors field="expires_at" errors={errors} />
      </fieldset>

      <div class="row">
        <label for="token-ips">IP allowlist</label>
        <textarea
          id="token-ips"
          rows={3}
          placeholder="One address or CIDR per line; empty: any address"
          value={values.ipAllowlist}
          aria-invalid={has('ip_allowlist')}
          aria-describedby={describedBy('ip_allowlist')}
          onInput={(e) => set('ipAllowlist', e.currentTarget.value)}
        />
        <FieldErrors field="ip_allowlist" errors={errors} />
      </div>

      <fieldset aria-describedby={describedBy('rate_limit')}>
        <legend>Rate limits (empty: the defaults)</legend>
        <div class="inline">
          <label>
            CMA requests <input type="number" min={1} inputMode="numeric" value={values.cmaLimit} onInput={(e) => set('cmaLimit', e.currentTarget.value)} />
          </label>
          <label>
            Period in seconds (CMA){' '}
            <input type="number" min={1} max={86400} inputMode="numeric" value={values.cmaPeriod} onInput={(e) => set('cmaPeriod', e.currentTarget.value)} />
          </label>
        </div>
        <div class="inline">
          <label>
            CDA requests <input type="number" min={1} inputMode="numeric" value={values.cdaLimit} onInput={(e) => set('cdaLimit', e.currentTarget.value)} />
          </label>
          <label>
            Period in seconds (CDA){' '}
            <input type="number" min={1} max={86400} inputMode="numeric" value={values.cdaPeriod} onInput={(e) => set('cdaPeriod', e.currentTarget.value)} />
          </label>
        </div>
        <FieldErrors field="rate_limit" errors={errors} />
      </fieldset>

      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}
