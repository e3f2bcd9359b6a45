/**
 * Permission strings: a matrix of the catalogue (one checkbox per `resource:action`) plus a field
 * for wildcards (`content:*`, `*:read`, `*`). Permissions the signed-in token lacks cannot be
 * granted, so they are shown as unavailable.
 */
import { useState } from 'preact/hooks';
import { addString, CATALOG, expandAll, mayGrant, RESOURCES, togglePermission } from '../logic/permissions.ts';

export function PermissionPicker(props: { value: string[]; onChange: (next: string[]) => void; own: readonly string[]; describedBy?: string }) {
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const covered = expandAll(props.value);
  return (
    <fieldset class="permissions" aria-describedby={props.describedBy}>
      <legend>Permissions</legend>
      <div class="chips" aria-label="Selected permission strings" role="list">
        {props.value.length === 0 && <span class="hint">None: this token can call nothing that needs a permission.</span>}
        {props.value.map((value) => (
          <span class="chip" role="listitem" key={value}>
            <code>{value}</code>
            <button type="button" aria-label={`Remove ${value}`} onClick={() => props.onChange(props.value.filter((v) => v !== value))}>
              ×
            </button>
          </span>
        ))}
      </div>
      <div class="matrix">
        {RESOURCES.map((resource) => (
          <div class="matrix-row" key={resource}>
            <span class="matrix-resource">{resource}</span>
            {(CATALOG[resource] ?? []).map((action) => {
              const permission = `${resource}:${action}`;
              const allowed = mayGrant(props.own, permission);
              return (
                <label key={permission} class={allowed ? '' : 'is-unavailable'} title={allowed ? permission : `Your token does not hold ${permission}`}>
                  <input
                    type="checkbox"
                    aria-label={permission}
                    checked={covered.has(permission)}
                    disabled={!allowed && !covered.has(permission)}
                    onChange={() => props.onChange(togglePermission(props.value, permission))}
                  />
                  {action}
                </label>
              );
            })}
          </div>
        ))}
      </div>
      <div class="inline">
        <label for="permission-string">Add permission string</label>
        <input
          id="permission-string"
          value={typed}
          placeholder="content:*, *:read, *"
          onInput={(e) => setTyped(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              (e.currentTarget.nextElementSibling as HTMLButtonElement | null)?.click();
            }
          }}
        />
        <button
          type="button"
          onClick={() => {
            const result = addString(props.value, typed);
            if (result.ok) {
              props.onChange(result.value);
              setTyped('');
              setProblem(null);
            } else setProblem(result.message);
          }}
        >
          Add
        </button>
      </div>
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
    </fieldset>
  );
}
