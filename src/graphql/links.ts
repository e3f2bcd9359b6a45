/**
 * @module
 * Which models a link field may point to, as its DatoCMS validator names them
 * (`item_item_type` on `link`, `items_item_type` on `links`, each `{ item_types: [ids] }`). The
 * schema types a field whose validator names one model with that model's record type, one that
 * names several with a union of theirs (DatoCMS's `XModelYField`), and one without a usable
 * validator with `RecordInterface`. Field definitions without validators (older models) read as
 * "any model".
 */
import type { FieldDefinition } from '../core/content/model.ts';

const VALIDATOR = { link: 'item_item_type', links: 'items_item_type' } as const;

/** The model ids a link field's validator allows, or null when it allows any model. */
export function linkTargets(field: FieldDefinition): readonly string[] | null {
  if (field.field_type !== 'link' && field.field_type !== 'links') return null;
  const validators = (field as { readonly validators?: unknown }).validators;
  if (typeof validators !== 'object' || validators === null) return null;
  const rule = (validators as Record<string, unknown>)[VALIDATOR[field.field_type]];
  const ids = typeof rule === 'object' && rule !== null ? (rule as { item_types?: unknown }).item_types : undefined;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) return null;
  return [...new Set(ids as string[])];
}
