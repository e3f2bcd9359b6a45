/**
 * @module
 * The record lifecycle: draft → publish → edit (`updated`) → unpublish. An item keeps two
 * versions: `current` (what editors see) and `published` (what the CDA serves). Publishing copies
 * the first to the second.
 */
import type { FieldValues, Item, ItemStatus } from './model.ts';

export interface VersionState {
  readonly current: FieldValues;
  readonly published: FieldValues | null;
  readonly status: ItemStatus;
  readonly publishedAt: string | null;
}

function sameValues(a: FieldValues, b: FieldValues): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** After an edit: a published record becomes `updated`, unless the edit restored the published values. */
export function afterEdit(item: Pick<Item, 'published' | 'publishedAt'>, current: FieldValues): VersionState {
  if (item.published === null) return { current, published: null, status: 'draft', publishedAt: null };
  return {
    current,
    published: item.published,
    status: sameValues(current, item.published) ? 'published' : 'updated',
    publishedAt: item.publishedAt,
  };
}

export function published(item: Pick<Item, 'current'>, now: string): VersionState {
  return { current: item.current, published: item.current, status: 'published', publishedAt: now };
}

export function unpublished(item: Pick<Item, 'current'>): VersionState {
  return { current: item.current, published: null, status: 'draft', publishedAt: null };
}

/** The values a reader sees, or null when that version does not exist (a draft, for the CDA). */
export function versionOf(item: Pick<Item, 'current' | 'published'>, includeDrafts: boolean): FieldValues | null {
  return includeDrafts ? item.current : item.published;
}
