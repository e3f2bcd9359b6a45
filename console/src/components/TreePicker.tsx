/**
 * Root nodes from the content tree, as Squiz's asset picker: websites (top-level items) first, a
 * node's children loaded when it is expanded (`GET /items?filter[parent]=…`). Ticking a node
 * restricts the token to that subtree.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type Resource } from '../api.ts';
import { errorText } from '../useLoad.ts';

type Item = Resource<Record<string, unknown>>;

export function itemLabel(item: Item): string {
  const a = item.attributes;
  for (const key of ['name', 'title', 'label', 'slug']) {
    const value = a[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return `Item #${item.id}`;
}

async function childrenOf(parent: string | null): Promise<Item[]> {
  const filter = parent === null ? 'null' : parent;
  const doc = await api<Item[]>('GET', `/items?filter%5Bparent%5D=${encodeURIComponent(filter)}&page%5Blimit%5D=500`);
  return doc.data;
}

function Node(props: { item: Item; selected: readonly string[]; onToggle: (id: string) => void; treeModels: ReadonlySet<string> }) {
  const [open, setOpen] = useState(false);
  const [children, setChildren] = useState<Item[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const label = itemLabel(props.item);
  const modelId = (props.item.relationships?.item_type?.data as { id: string } | null)?.id ?? '';
  const mayHaveChildren = props.treeModels.size === 0 || props.treeModels.has(modelId);
  const expand = async () => {
    if (open) return setOpen(false);
    setOpen(true);
    if (children === null) {
      try {
        setChildren(await childrenOf(props.item.id));
      } catch (caught) {
        setError(errorText(caught));
      }
    }
  };
  return (
    <li>
      <div class="node">
        {mayHaveChildren ? (
          <button type="button" class="twisty" aria-expanded={open} aria-label={`${open ? 'Collapse' : 'Expand'} ${label}`} onClick={() => void expand()}>
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span class="twisty" />
        )}
        <label>
          <input type="checkbox" checked={props.selected.includes(props.item.id)} onChange={() => props.onToggle(props.item.id)} />
          {label} <span class="key">#{props.item.id}</span>
        </label>
      </div>
      {open && error && <p class="field-error">{error}</p>}
      {open && children && children.length === 0 && <p class="hint nested">No children</p>}
      {open && children && children.length > 0 && (
        <ul>
          {children.map((child) => (
            <Node key={child.id} item={child} selected={props.selected} onToggle={props.onToggle} treeModels={props.treeModels} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function TreePicker(props: {
  value: string[];
  onChange: (next: string[]) => void;
  treeModels: ReadonlySet<string>;
  unavailable: string | null;
  describedBy?: string;
}) {
  const [roots, setRoots] = useState<Item[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (props.unavailable) return;
    childrenOf(null).then(setRoots, (caught: unknown) => setError(errorText(caught)));
  }, [props.unavailable]);
  const [names, setNames] = useState<Record<string, string>>({});
  const missing = props.value.filter((id) => names[id] === undefined);
  useEffect(() => {
    // Names of chosen nodes that are not on screen yet (a saved token's roots, deep in the tree).
    if (props.unavailable || missing.length === 0) return;
    api<Item[]>('GET', `/items?filter%5Bids%5D=${encodeURIComponent(missing.join(','))}&page%5Blimit%5D=500`).then(
      (doc) => setNames((known) => ({ ...known, ...Object.fromEntries(doc.data.map((item) => [item.id, itemLabel(item)])) })),
      () => undefined,
    );
  }, [missing.join(','), props.unavailable]);
  const toggle = (id: string) => props.onChange(props.value.includes(id) ? props.value.filter((v) => v !== id) : [...props.value, id]);
  return (
    <fieldset class="tree" aria-describedby={props.describedBy}>
      <legend>Root nodes</legend>
      <p class="hint">
        {props.value.length === 0
          ? 'No root node: the token reaches all content its role allows.'
          : `Restricted to: ${props.value.map((id) => (names[id] ? `${names[id]} (#${id})` : `#${id}`)).join(', ')}`}
      </p>
      {props.unavailable && <p class="unavailable">The content tree cannot be shown: {props.unavailable}</p>}
      {error && <p class="field-error">{error}</p>}
      {roots && (
        <ul role="group" aria-label="Content tree">
          {roots.map((item) => (
            <Node key={item.id} item={item} selected={props.value} onToggle={toggle} treeModels={props.treeModels} />
          ))}
        </ul>
      )}
    </fieldset>
  );
}
