/**
 * @module
 * "May this principal read this record?" as a value. The rule is built once per request from the
 * principal (its permission strings, its role's final item-type permissions with `on_creator`
 * and negative entries, its root nodes, and the version it reads) and then either evaluated
 * against one record ({@link evaluateReadRule}) or compiled to SQL by the store, so lists, counts
 * and traversals are filtered by the database with exactly the rule the single-record decision
 * applies. Principal-level refusals (a missing permission string, no role) fold into `none`.
 *
 * The rule mirrors {@link denialFor}; the property suite (test/content/read-rule.property.test.ts)
 * checks that the two and the SQL predicate select the same records on both databases.
 */
import { checkGrant } from '../access.ts';
import { ENDPOINTS } from '../endpoints.ts';
import type { Principal } from '../model.ts';
import type { ContentAction, ItemTypePermission } from '../roles.ts';
import type { ContentVersion, Creator } from './model.ts';

export type ReadRule =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'and'; readonly rules: readonly ReadRule[] }
  | { readonly kind: 'or'; readonly rules: readonly ReadRule[] }
  | { readonly kind: 'not'; readonly rule: ReadRule }
  | { readonly kind: 'itemTypeIn'; readonly ids: readonly string[] }
  | { readonly kind: 'creatorIs'; readonly creators: readonly Creator[] }
  /** The creator's role (an access token's own role, else its base user's; a user's role) is this one. */
  | { readonly kind: 'creatorRoleIs'; readonly roleId: string }
  /** The record is one of these items or lies below one of them. */
  | { readonly kind: 'withinRoots'; readonly rootIds: readonly string[] }
  /** The record has a published version. */
  | { readonly kind: 'hasPublished' };

/** What a rule looks at in one record. */
export interface RecordFacts {
  readonly itemTypeId: string;
  readonly creator: Creator;
  /** The role of the creator as {@link ReadRule} `creatorRoleIs` means it; null when none or gone. */
  readonly creatorRoleId: string | null;
  readonly pathIds: readonly string[];
  readonly hasPublished: boolean;
}

export const ALL: ReadRule = { kind: 'all' };
export const NONE: ReadRule = { kind: 'none' };

/** `and` that drops `all` and collapses on `none`, so compiled SQL stays small. */
export function and(...rules: ReadRule[]): ReadRule {
  const kept = rules.filter((r) => r.kind !== 'all');
  if (kept.some((r) => r.kind === 'none')) return NONE;
  return kept.length === 0 ? ALL : kept.length === 1 ? kept[0]! : { kind: 'and', rules: kept };
}

export function or(...rules: ReadRule[]): ReadRule {
  const kept = rules.filter((r) => r.kind !== 'none');
  if (kept.some((r) => r.kind === 'all')) return ALL;
  return kept.length === 0 ? NONE : kept.length === 1 ? kept[0]! : { kind: 'or', rules: kept };
}

export function not(rule: ReadRule): ReadRule {
  return rule.kind === 'all' ? NONE : rule.kind === 'none' ? ALL : { kind: 'not', rule };
}

/** The credentials whose records count as the principal's own (`on_creator: self`). */
export function selfCreators(principal: Principal): Creator[] {
  const token: Creator = { type: 'access_token', id: principal.token.id };
  return principal.token.userId === null ? [token] : [token, { type: 'user', id: principal.token.userId }];
}

function entryRule(principal: Principal, entry: ItemTypePermission, action: ContentAction): ReadRule {
  if (entry.action !== 'all' && entry.action !== action) return NONE;
  const type: ReadRule = entry.item_type != null ? { kind: 'itemTypeIn', ids: [entry.item_type] } : ALL;
  const self: ReadRule = { kind: 'creatorIs', creators: selfCreators(principal) };
  const roleId = principal.role?.id ?? null;
  switch (entry.on_creator ?? 'anyone') {
    case 'anyone':
      return type;
    case 'self':
      return and(type, self);
    case 'role':
      return and(type, roleId === null ? self : or(self, { kind: 'creatorRoleIs', roleId }));
  }
}

export type ReadEndpoint = 'items.list' | 'items.find' | 'cda.query';

/**
 * The records `principal` may read through `endpoint`: layers 6–8 of the access decision, plus
 * the version asked for (`published` keeps records that have a published version).
 */
export function readRule(principal: Principal, endpoint: ReadEndpoint, options: { includeDrafts?: boolean; version: ContentVersion }): ReadRule {
  const rule = ENDPOINTS[endpoint];
  const includeDrafts = options.includeDrafts ?? false;
  if (checkGrant(principal, { rule, includeDrafts, clientIp: null, now: 0 }) !== null || principal.final === null) return NONE;
  const action = rule.content;
  const content = action
    ? and(
        or(...principal.final.positive_item_type_permissions.map((e) => entryRule(principal, e, action))),
        not(or(...principal.final.negative_item_type_permissions.map((e) => entryRule(principal, e, action)))),
      )
    : ALL;
  const roots = principal.token.rootNodeIds;
  return and(content, roots.length > 0 ? { kind: 'withinRoots', rootIds: [...roots] } : ALL, options.version === 'published' ? { kind: 'hasPublished' } : ALL);
}

export function evaluateReadRule(rule: ReadRule, facts: RecordFacts): boolean {
  switch (rule.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'and':
      return rule.rules.every((r) => evaluateReadRule(r, facts));
    case 'or':
      return rule.rules.some((r) => evaluateReadRule(r, facts));
    case 'not':
      return !evaluateReadRule(rule.rule, facts);
    case 'itemTypeIn':
      return rule.ids.includes(facts.itemTypeId);
    case 'creatorIs':
      return rule.creators.some((c) => c.type === facts.creator.type && c.id === facts.creator.id);
    case 'creatorRoleIs':
      return facts.creator.type !== 'account' && facts.creatorRoleId === rule.roleId;
    case 'withinRoots':
      return facts.pathIds.some((id) => rule.rootIds.includes(id));
    case 'hasPublished':
      return facts.hasPublished;
  }
}

/**
 * The rule as it applies to the records of one model: every `itemTypeIn` is decided for that
 * model and the rest simplified, so what is left talks only about other facts of a record.
 */
export function forModel(rule: ReadRule, itemTypeId: string): ReadRule {
  switch (rule.kind) {
    case 'itemTypeIn':
      return rule.ids.includes(itemTypeId) ? ALL : NONE;
    case 'and':
      return and(...rule.rules.map((r) => forModel(r, itemTypeId)));
    case 'or':
      return or(...rule.rules.map((r) => forModel(r, itemTypeId)));
    case 'not':
      return not(forModel(rule.rule, itemTypeId));
    default:
      return rule;
  }
}

/**
 * Which records of a model the rule admits, when that needs no look at any single record's
 * creator or values: `all` of them, every one with a `published` version, `none`, or every record
 * (every published record, with `published: true`) `within` these root nodes — the root-node
 * scope alone, which the subtree counters answer. Null when the rule still depends on a record's
 * creator (`on_creator`, including negative entries that concern this model) or mixes the scope
 * into anything else: only the records themselves can tell then.
 */
export type ModelShare = 'all' | 'published' | 'none' | { readonly within: readonly string[]; readonly published: boolean };

/** The conjuncts of a rule, nested `and`s flattened. */
function conjuncts(rule: ReadRule): ReadRule[] {
  return rule.kind === 'and' ? rule.rules.flatMap(conjuncts) : [rule];
}

export function modelShare(rule: ReadRule, itemTypeId: string): ModelShare | null {
  const reduced = forModel(rule, itemTypeId);
  if (reduced.kind === 'all') return 'all';
  if (reduced.kind === 'hasPublished') return 'published';
  if (reduced.kind === 'none') return 'none';
  // Exactly one scope, at most the published condition beside it, and nothing else.
  const parts = conjuncts(reduced);
  const scopes = parts.filter((r) => r.kind === 'withinRoots');
  const published = parts.some((r) => r.kind === 'hasPublished');
  if (scopes.length !== 1 || parts.length !== scopes.length + Number(published)) return null;
  return { within: [...new Set(scopes[0]!.rootIds)], published };
}

/**
 * The roots among `paths` (root id → the ids on its path, itself last) that lie inside no other
 * of them: a record below two overlapping roots is counted once, under the outer one.
 */
export function outermostRoots(paths: ReadonlyMap<string, readonly string[]>): string[] {
  return [...paths].filter(([id, path]) => !path.some((ancestor) => ancestor !== id && paths.has(ancestor))).map(([id]) => id);
}

/** Whether evaluating the rule needs the creator's role (one store lookup for a single record). */
export function needsCreatorRole(rule: ReadRule): boolean {
  switch (rule.kind) {
    case 'and':
    case 'or':
      return rule.rules.some(needsCreatorRole);
    case 'not':
      return needsCreatorRole(rule.rule);
    case 'creatorRoleIs':
      return true;
    default:
      return false;
  }
}
