/**
 * @module
 * `enabled`: a disabled token is refused everywhere (401, layer `state`). Nothing to compile and
 * nothing to escalate: a caller that acts is enabled, and a disabled token holds less.
 */
import { restriction, unauthorized, type Restriction } from './restriction.ts';

export const enabled: Restriction<'state'> = restriction({
  name: 'enabled',
  layer: 'state',
  stage: 'live',
  admit: (principal) => (principal.token.enabled ? null : unauthorized('state', 'disabled')),
  inert: (principal) => principal.token.enabled,
});
