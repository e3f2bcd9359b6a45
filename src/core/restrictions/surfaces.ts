/**
 * @module
 * API surfaces: `can_access_cma`, `can_access_cda`, `can_access_cda_preview` (401, layer
 * `surface`). Reading drafts needs the preview flag; reading published content either CDA flag.
 */
import { restriction, unauthorized, type Restriction } from './restriction.ts';

const FLAGS = [
  ['canAccessCma', 'surface:can_access_cma'],
  ['canAccessCda', 'surface:can_access_cda'],
  ['canAccessCdaPreview', 'surface:can_access_cda_preview'],
] as const;

export const surfaces: Restriction<'surface'> = restriction({
  name: 'surfaces',
  layer: 'surface',
  stage: 'live',
  admit({ token }, request) {
    const surface = request.rule.surface;
    if (surface === 'cma') return token.canAccessCma ? null : unauthorized('surface', 'can_access_cma');
    if (request.includeDrafts && !token.canAccessCdaPreview) return unauthorized('surface', 'can_access_cda_preview');
    if (!token.canAccessCda && !token.canAccessCdaPreview) return unauthorized('surface', 'can_access_cda');
    return null;
  },
  inert: ({ token }) => token.canAccessCma && token.canAccessCda && token.canAccessCdaPreview,
  exceeds: ({ token }, grants) => FLAGS.filter(([flag]) => grants[flag] && !token[flag]).map(([, name]) => name),
});
