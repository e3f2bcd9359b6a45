/**
 * @module
 * Every token restriction, in the order the access decision applies them (the first refusal wins,
 * so this order is the order of the layers in `docs/permissions.md`). The decision, the escalation
 * check, validation and the access check all loop over this list; a new restriction is one module
 * and one entry here.
 */
import type { Restriction } from './restriction.ts';
import { enabled } from './enabled.ts';
import { expiry } from './expiry.ts';
import { baseUser } from './base-user.ts';
import { surfaces } from './surfaces.ts';
import { ipAllowlist } from './ip-allowlist.ts';
import { allowedOrigins } from './allowed-origins.ts';
import { rateLimit } from './rate-limit.ts';
import { permissions } from './permissions.ts';
import { role } from './role.ts';
import { rootNodes } from './root-nodes.ts';

export const RESTRICTIONS = [enabled, expiry, baseUser, surfaces, ipAllowlist, allowedOrigins, rateLimit, permissions, role, rootNodes] as const;

export type AnyRestriction = (typeof RESTRICTIONS)[number];
export type RestrictionLayer = AnyRestriction['layer'];

type CompiledBy<R> = R extends Restriction<string, infer C> ? C : never;
type Intersect<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
/** Everything the restrictions compile into a principal, field by field. */
export type CompiledRestrictions = Intersect<CompiledBy<AnyRestriction>>;

const ofStage = (stage: AnyRestriction['stage']): readonly AnyRestriction[] => RESTRICTIONS.filter((r) => r.stage === stage);
/** Is the credential live at all (layers 3–4)? The list's first stage. */
export const LIVE: readonly AnyRestriction[] = ofStage('live');
/** May it do this particular thing (layers 6–8)? The list's last stage, also asked on its own per record. */
export const GRANT: readonly AnyRestriction[] = ofStage('grant');
