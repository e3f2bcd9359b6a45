/**
 * @module
 * The base user: a token based on a user works only while that user exists and is active (401,
 * layer `state`), and anything it creates stays tied to the same user, or it would outlive the
 * user's demotion or deactivation.
 */
import { excessIf, restriction, unauthorized, type Restriction } from './restriction.ts';

export const baseUser: Restriction<'state'> = restriction({
  name: 'user',
  layer: 'state',
  stage: 'live',
  admit: ({ token, user }) => (token.userId !== null && (user === null || !user.isActive) ? unauthorized('state', 'no_user') : null),
  inert: ({ token, user }) => token.userId === null || user?.isActive === true,
  exceeds: (caller, grants) => excessIf(caller.token.userId !== null && grants.userId !== caller.token.userId, 'user'),
});
