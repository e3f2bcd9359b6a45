/**
 * @module
 * The role: the token's own, or its base user's (403, layer `role`): the endpoint's role flag and,
 * on a record, the role's content permission for it. A created token's role may allow nothing its
 * creator's role does not ({@link roleExcess}).
 */
import { CONTENT_ACTIONS, OTHER_CONTENT_ACTIONS, ROLE_FLAGS, allowsContent, type ContentAction, type RoleAttributes } from '../roles.ts';
import { forbidden, restriction, type Restriction } from './restriction.ts';

/** Stand-in for every model no entry names: entries only ever match a model by id or by null. */
const ANY_OTHER_MODEL = '\u0000other';
const ACTIONS = [...CONTENT_ACTIONS.filter((a) => a !== 'all'), ...OTHER_CONTENT_ACTIONS] as ContentAction[];
const CREATOR_CASES = [
  { createdBySelf: true, createdBySameRole: true },
  { createdBySelf: false, createdBySameRole: true },
  { createdBySelf: false, createdBySameRole: false },
];

/**
 * What `child` allows that `parent` does not. Exact, not sampled: a permission entry can only tell
 * models apart by naming them, so the named models plus one stand-in cover every case.
 */
export function roleExcess(child: RoleAttributes, parent: RoleAttributes): string[] {
  const excess = ROLE_FLAGS.filter((f) => child[f] && !parent[f]).map((f) => `role:${f}`);
  const models = new Set<string>([ANY_OTHER_MODEL]);
  for (const list of [child, parent]) {
    for (const entry of [...list.positive_item_type_permissions, ...list.negative_item_type_permissions]) {
      if (typeof entry.item_type === 'string') models.add(entry.item_type);
    }
  }
  for (const itemTypeId of models) {
    for (const action of ACTIONS) {
      const leaks = CREATOR_CASES.some((c) => {
        const target = { itemTypeId, ...c };
        return allowsContent(child, action, target) && !allowsContent(parent, action, target);
      });
      if (leaks) excess.push(`content:${action}@${itemTypeId === ANY_OTHER_MODEL ? '*' : itemTypeId}`);
    }
  }
  return excess;
}

export const role: Restriction<'role'> = restriction({
  name: 'role',
  layer: 'role',
  stage: 'grant',
  admit({ final }, { rule, target }) {
    if (final === null) return forbidden('role', 'no_role');
    if (rule.roleFlag && !final[rule.roleFlag]) return forbidden('role', 'missing_role_flag', { flag: rule.roleFlag });
    if (rule.content && target && !allowsContent(final, rule.content, target)) {
      return forbidden('role', 'missing_content_permission', { action: rule.content, item_type: target.itemTypeId });
    }
    return null;
  },
  exceeds: (caller, _grants, { childRole }) => (childRole === null ? [] : caller.final ? roleExcess(childRole, caller.final) : ['role']),
});
