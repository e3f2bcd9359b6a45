import { useState } from 'preact/hooks';
import { api, relIds, type Resource } from '../api.ts';
import { Confirm } from '../components/Confirm.tsx';
import { loadDirectory, type Directory } from '../directory.ts';
import { useSession } from '../state.ts';
import type { RoleAttributes } from '../types.ts';
import { errorText, useLoad } from '../useLoad.ts';

/** The flags Latchkey enforces; DatoCMS's others are kept as they are. */
const FLAGS: readonly [string, string][] = [
  ['can_manage_access_tokens', 'Manage API tokens'],
  ['can_manage_users', 'Manage roles and users'],
  ['can_edit_schema', 'Edit models'],
  ['can_edit_site', 'Edit project settings'],
  ['can_access_audit_log', 'Read the audit log'],
];
const ACTIONS = ['all', 'read', 'create', 'update', 'delete', 'publish'];
const ON_CREATOR = ['anyone', 'self', 'role'];

interface Entry {
  item_type: string | null;
  action: string;
  on_creator: string;
}
type Role = Resource<RoleAttributes>;

interface RoleDraft {
  id: string | null;
  name: string;
  flags: Record<string, boolean>;
  positive: Entry[];
  negative: Entry[];
  inherits: string[];
}

function entries(value: unknown): Entry[] {
  return Array.isArray(value)
    ? value.map((e: { item_type?: string | null; action?: string; on_creator?: string }) => ({
        item_type: e.item_type ?? null,
        action: e.action ?? 'read',
        on_creator: e.on_creator ?? 'anyone',
      }))
    : [];
}

function draftOf(role: Role | null): RoleDraft {
  return {
    id: role?.id ?? null,
    name: role?.attributes.name ?? '',
    flags: Object.fromEntries(FLAGS.map(([flag]) => [flag, role?.attributes[flag] === true])),
    positive: entries(role?.attributes.positive_item_type_permissions),
    negative: entries(role?.attributes.negative_item_type_permissions),
    inherits: role ? relIds(role, 'inherits_permissions_from') : [],
  };
}

export function RolesPage() {
  const { can } = useSession();
  const [loaded, reload] = useLoad(() => loadDirectory(can), 'roles');
  const [draft, setDraft] = useState<RoleDraft | null>(null);
  const [deleting, setDeleting] = useState<Role | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mayWrite = can.may('roles.create');
  return (
    <section>
      <div class="page-head">
        <h1>Roles</h1>
        <button type="button" class="primary" disabled={!mayWrite} onClick={() => setDraft(draftOf(null))}>
          New role
        </button>
      </div>
      {!can.may('roles.list') && <p class="unavailable">{can.why('roles.list')}</p>}
      {!mayWrite && can.may('roles.list') && <p class="unavailable">{can.why('roles.create')}</p>}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {loaded.state === 'error' && <p class="field-error">{loaded.message}</p>}
      {loaded.state === 'ready' && draft && (
        <RoleEditor
          draft={draft}
          directory={loaded.value}
          onCancel={() => setDraft(null)}
          onSaved={() => {
            setDraft(null);
            reload();
          }}
        />
      )}
      {loaded.state === 'ready' && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Flags</th>
                <th scope="col">Content</th>
                <th scope="col">Inherits from</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.value.roles.map((role) => (
                <tr key={role.id}>
                  <th scope="row">{role.attributes.name}</th>
                  <td>
                    {FLAGS.filter(([flag]) => role.attributes[flag] === true)
                      .map(([, label]) => label)
                      .join(', ') || '—'}
                  </td>
                  <td>
                    {describeEntries(entries(role.attributes.positive_item_type_permissions), loaded.value)}
                    {entries(role.attributes.negative_item_type_permissions).length > 0 &&
                      ` except ${describeEntries(entries(role.attributes.negative_item_type_permissions), loaded.value)}`}
                  </td>
                  <td>
                    {relIds(role, 'inherits_permissions_from')
                      .map((id) => loaded.value.roles.find((r) => r.id === id)?.attributes.name ?? `#${id}`)
                      .join(', ') || '—'}
                  </td>
                  <td class="row-actions">
                    <button
                      type="button"
                      aria-label={`Edit ${role.attributes.name}`}
                      disabled={!can.may('roles.update')}
                      onClick={() => setDraft(draftOf(role))}
                    >
                      Edit
                    </button>
                    <button type="button" aria-label={`Delete ${role.attributes.name}`} disabled={!can.may('roles.destroy')} onClick={() => setDeleting(role)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {deleting && (
        <Confirm
          title={`Delete the role ${deleting.attributes.name}?`}
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            try {
              await api('DELETE', `/roles/${deleting.id}`);
              setError(null);
            } catch (caught) {
              setError(errorText(caught));
            }
            setDeleting(null);
            reload();
          }}
        >
          <p>A role still used by a token or user cannot be deleted.</p>
        </Confirm>
      )}
    </section>
  );
}

function describeEntries(list: Entry[], directory: Directory): string {
  if (list.length === 0) return 'nothing';
  return list.map((e) => `${e.action} on ${modelName(e.item_type, directory)}${e.on_creator !== 'anyone' ? ` (${e.on_creator})` : ''}`).join('; ');
}

function modelName(id: string | null, directory: Directory): string {
  if (id === null) return 'every model';
  return directory.itemTypes.find((t) => t.id === id)?.attributes.name ?? `model #${id}`;
}

function EntryList(props: { label: string; list: Entry[]; directory: Directory; onChange: (list: Entry[]) => void }) {
  const update = (index: number, patch: Partial<Entry>) => props.onChange(props.list.map((e, i) => (i === index ? { ...e, ...patch } : e)));
  return (
    <fieldset>
      <legend>{props.label}</legend>
      {props.list.map((entry, index) => (
        <div class="inline" key={index}>
          <label>
            Model
            <select value={entry.item_type ?? ''} onChange={(e) => update(index, { item_type: e.currentTarget.value === '' ? null : e.currentTarget.value })}>
              <option value="">Every model</option>
              {props.directory.itemTypes.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.attributes.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Action
            <select value={entry.action} onChange={(e) => update(index, { action: e.currentTarget.value })}>
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <label>
            Records by
            <select value={entry.on_creator} onChange={(e) => update(index, { on_creator: e.currentTarget.value })}>
              {ON_CREATOR.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => props.onChange(props.list.filter((_, i) => i !== index))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => props.onChange([...props.list, { item_type: null, action: 'read', on_creator: 'anyone' }])}>
        Add entry
      </button>
    </fieldset>
  );
}

function RoleEditor(props: { draft: RoleDraft; directory: Directory; onCancel: () => void; onSaved: () => void }) {
  const [d, setD] = useState(props.draft);
  const [error, setError] = useState<string | null>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    const document = {
      data: {
        type: 'role',
        ...(d.id ? { id: d.id } : {}),
        attributes: { name: d.name, ...d.flags, positive_item_type_permissions: d.positive, negative_item_type_permissions: d.negative },
        relationships: { inherits_permissions_from: { data: d.inherits.map((id) => ({ type: 'role', id })) } },
      },
    };
    try {
      await (d.id ? api('PUT', `/roles/${d.id}`, document) : api('POST', '/roles', document));
      props.onSaved();
    } catch (caught) {
      setError(errorText(caught));
    }
  };
  return (
    <form class="card" onSubmit={save} aria-label={d.id ? `Edit role ${props.draft.name}` : 'New role'}>
      <h2>{d.id ? `Edit ${props.draft.name}` : 'New role'}</h2>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="row">
        <label for="role-name">Role name</label>
        <input id="role-name" required value={d.name} onInput={(e) => setD({ ...d, name: e.currentTarget.value })} />
      </div>
      <fieldset>
        <legend>Project permissions</legend>
        {FLAGS.map(([flag, label]) => (
          <label class="block" key={flag}>
            <input type="checkbox" checked={d.flags[flag] === true} onChange={(e) => setD({ ...d, flags: { ...d.flags, [flag]: e.currentTarget.checked } })} />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      <EntryList label="Content allowed" list={d.positive} directory={props.directory} onChange={(positive) => setD({ ...d, positive })} />
      <EntryList label="Content denied" list={d.negative} directory={props.directory} onChange={(negative) => setD({ ...d, negative })} />
      <fieldset>
        <legend>Inherits permissions from</legend>
        {props.directory.roles
          .filter((r) => r.id !== d.id)
          .map((r) => (
            <label class="block" key={r.id}>
              <input
                type="checkbox"
                checked={d.inherits.includes(r.id)}
                onChange={(e) => setD({ ...d, inherits: e.currentTarget.checked ? [...d.inherits, r.id] : d.inherits.filter((id) => id !== r.id) })}
              />{' '}
              {r.attributes.name}
            </label>
          ))}
      </fieldset>
      <div class="actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary">
          Save role
        </button>
      </div>
    </form>
  );
}
