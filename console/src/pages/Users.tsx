import { useState } from 'preact/hooks';
import { api, relId, type Resource } from '../api.ts';
import { Confirm } from '../components/Confirm.tsx';
import { loadDirectory, roleName } from '../directory.ts';
import { useSession } from '../state.ts';
import type { UserAttributes } from '../types.ts';
import { errorText, useLoad } from '../useLoad.ts';

type User = Resource<UserAttributes>;

export function UsersPage() {
  const { can } = useSession();
  const [loaded, reload] = useLoad(() => loadDirectory(can), 'users');
  const [email, setEmail] = useState('');
  const [fullName, setFullName] = useState('');
  const [roleId, setRoleId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);

  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setError(null);
    } catch (caught) {
      setError(errorText(caught));
    }
    reload();
  };
  const update = (user: User, attributes: Record<string, unknown>, role?: string) =>
    act(() =>
      api('PUT', `/users/${user.id}`, {
        data: { type: 'user', id: user.id, attributes, ...(role ? { relationships: { role: { data: { type: 'role', id: role } } } } : {}) },
      }),
    );

  return (
    <section>
      <h1>Users</h1>
      <p class="hint">A token based on a user follows that user's current role; deactivating the user stops such tokens.</p>
      {!can.may('users.list') && <p class="unavailable">{can.why('users.list')}</p>}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {can.may('users.create') && loaded.state === 'ready' && (
        <form
          class="card inline-form"
          aria-label="New user"
          onSubmit={(event) => {
            event.preventDefault();
            void act(async () => {
              await api('POST', '/users', {
                data: { type: 'user', attributes: { email, full_name: fullName }, relationships: { role: { data: { type: 'role', id: roleId } } } },
              });
              setEmail('');
              setFullName('');
            });
          }}
        >
          <label>
            Email <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          </label>
          <label>
            Full name <input required value={fullName} onInput={(e) => setFullName(e.currentTarget.value)} />
          </label>
          <label>
            User role
            <select required value={roleId} onChange={(e) => setRoleId(e.currentTarget.value)}>
              <option value="">Choose…</option>
              {loaded.value.roles.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.attributes.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="primary">
            Add user
          </button>
        </form>
      )}
      {loaded.state === 'ready' && can.may('users.list') && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Active</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.value.users.map((user) => (
                <tr key={user.id}>
                  <th scope="row">{user.attributes.full_name}</th>
                  <td>{user.attributes.email}</td>
                  <td>
                    <select
                      aria-label={`Role of ${user.attributes.full_name}`}
                      value={relId(user, 'role') ?? ''}
                      disabled={!can.may('users.update')}
                      onChange={(e) => void update(user, {}, e.currentTarget.value)}
                    >
                      {loaded.value.roles.map((r) => (
                        <option key={r.id} value={r.id}>
                          {r.attributes.name}
                        </option>
                      ))}
                      {loaded.value.roles.length === 0 && <option value={relId(user, 'role') ?? ''}>{roleName(loaded.value, relId(user, 'role'))}</option>}
                    </select>
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${user.attributes.full_name} is active`}
                      checked={user.attributes.is_active}
                      disabled={!can.may('users.update')}
                      onChange={(e) => void update(user, { is_active: e.currentTarget.checked })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Delete ${user.attributes.full_name}`}
                      disabled={!can.may('users.destroy')}
                      onClick={() => setDeleting(user)}
                    >
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
          title={`Delete ${deleting.attributes.full_name}?`}
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const user = deleting;
            setDeleting(null);
            void act(() => api('DELETE', `/users/${user.id}`));
          }}
        >
          <p>Tokens based on this user stop working.</p>
        </Confirm>
      )}
    </section>
  );
}
