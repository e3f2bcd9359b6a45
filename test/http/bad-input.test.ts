/**
 * Bad input of any kind gets a clear 4xx in the DatoCMS envelope and changes nothing: every case
 * compares tokens, roles, users and site before and after. Fuzzing covers what the table misses.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import fc from 'fast-check';
import { generateSecret } from '../../src/core/secret.ts';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { adminRoleId, createRole, createToken, expectProblem, snapshot } from './fixtures.ts';
import { createItemType } from '../content/fixtures.ts';

type Method = NonNullable<InjectOptions['method']>;

/** `[[[…]]]`, `depth` arrays deep. */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** Stand-ins for the ids in test names; the real ones exist once the project does. */
const ROLE = ':role';
const TOKEN = ':token';

interface Case {
  readonly name: string;
  readonly method: Method;
  readonly url: string;
  /** A string is sent verbatim; anything else JSON-encoded. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code: string;
  readonly details?: Record<string, unknown>;
}

/** The table, as a function of the ids it names, so its names exist before the project does. */
function cases(ids: { role: string; token: string }): Case[] {
  const roleId = ids.role;
  const tokenId = ids.token;
  const validToken = {
    data: {
      type: 'access_token',
      attributes: { name: 'Valid', can_access_cda: true, can_access_cda_preview: false, can_access_cma: false },
      relationships: { role: { data: { type: 'role', id: roleId } } },
    },
  };
  const validRole = { data: { type: 'role', attributes: { name: 'Valid role', can_edit_schema: true } } };
  const tokenDoc = (
    patch: (doc: { data: Record<string, unknown> & { attributes: Record<string, unknown>; relationships: Record<string, unknown> } }) => void,
  ) => {
    const doc = structuredClone(validToken) as Parameters<typeof patch>[0];
    patch(doc);
    return doc;
  };

  return [
    { name: 'malformed JSON', method: 'POST', url: '/access_tokens', body: '{"data":', status: 400, code: 'INVALID_JSON_BODY' },
    { name: 'JSON with a trailing comma', method: 'PUT', url: `/access_tokens/${tokenId}`, body: '{"data":{},}', status: 400, code: 'INVALID_JSON_BODY' },
    { name: 'a JSON array', method: 'POST', url: '/access_tokens', body: '[]', status: 422, code: 'INVALID_FORMAT' },
    { name: 'a JSON string', method: 'POST', url: '/roles', body: '"role"', status: 422, code: 'INVALID_FORMAT' },
    { name: 'a JSON number', method: 'PUT', url: `/roles/${roleId}`, body: '42', status: 422, code: 'INVALID_FORMAT' },
    { name: 'JSON null', method: 'POST', url: '/users', body: 'null', status: 422, code: 'INVALID_FORMAT' },
    { name: 'no body on create', method: 'POST', url: '/access_tokens', status: 422, code: 'INVALID_FORMAT' },
    { name: 'missing data', method: 'POST', url: '/access_tokens', body: {}, status: 422, code: 'INVALID_FORMAT', details: { pointer: '/data' } },
    {
      name: 'data is an array',
      method: 'POST',
      url: '/access_tokens',
      body: { data: [validToken.data] },
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data' },
    },
    {
      name: 'wrong type',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => (d.data.type = 'role')),
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/type' },
    },
    {
      name: 'wrong type on a role',
      method: 'PUT',
      url: `/roles/${roleId}`,
      body: { data: { type: 'access_token', attributes: { name: 'x' } } },
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/type' },
    },
    {
      name: 'missing name',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => delete d.data.attributes.name),
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/attributes/name' },
    },
    {
      name: 'missing surface flag',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => delete d.data.attributes.can_access_cma),
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/attributes/can_access_cma' },
    },
    {
      name: 'missing attributes',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => delete (d.data as Record<string, unknown>).attributes),
      status: 422,
      code: 'INVALID_FORMAT',
    },
    {
      name: 'missing role',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => delete (d.data as Record<string, unknown>).relationships),
      status: 422,
      code: 'INVALID_RELATIONSHIP',
    },
    {
      name: 'missing role name',
      method: 'POST',
      url: '/roles',
      body: { data: { type: 'role', attributes: { can_edit_site: true } } },
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/attributes/name' },
    },
    {
      name: 'user without email',
      method: 'POST',
      url: '/users',
      body: { data: { type: 'user', attributes: { full_name: 'X' }, relationships: { role: { data: { type: 'role', id: '1' } } } } },
      status: 422,
      code: 'INVALID_FORMAT',
    },
    {
      name: 'user without role',
      method: 'POST',
      url: '/users',
      body: { data: { type: 'user', attributes: { email: 'x@example.com', full_name: 'X' } } },
      status: 422,
      code: 'INVALID_FORMAT',
    },
    {
      name: 'unknown top-level member',
      method: 'POST',
      url: '/access_tokens',
      body: { ...validToken, included: [] },
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/included' },
    },
    {
      name: 'unknown data member',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => (d.data.links = {})),
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/links' },
    },
    {
      name: 'unknown attribute',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => (d.data.attributes.token = 'lk_mine')),
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/attributes/token' },
    },
    {
      name: 'read-only attribute hardcoded_type',
      method: 'PUT',
      url: `/access_tokens/${tokenId}`,
      body: { data: { type: 'access_token', attributes: { hardcoded_type: 'admin' } } },
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/attributes/hardcoded_type' },
    },
    {
      name: 'unknown relationship',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => (d.data.relationships.owner = { data: null })),
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/relationships/owner' },
    },
    {
      name: 'unknown member in a relationship',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => (d.data.relationships.role = { data: { type: 'role', id: roleId }, extra: 1 })),
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/relationships/role/extra' },
    },
    {
      name: 'unknown member in a linkage',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => (d.data.relationships.role = { data: { type: 'role', id: roleId, name: 'Admin' } })),
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/relationships/role/data/name' },
    },
    {
      name: 'unknown role attribute',
      method: 'PUT',
      url: `/roles/${roleId}`,
      body: { data: { type: 'role', attributes: { can_fly: true } } },
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/attributes/can_fly' },
    },
    {
      name: 'unknown site attribute',
      method: 'PUT',
      url: '/site',
      body: { data: { type: 'site', attributes: { owner: 'me' } } },
      status: 422,
      code: 'INVALID_FORMAT',
    },
    {
      name: 'name is a number',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => (d.data.attributes.name = 42)),
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/attributes/name' },
    },
    { name: 'blank name', method: 'POST', url: '/access_tokens', body: tokenDoc((d) => (d.data.attributes.name = '   ')), status: 422, code: 'INVALID_FORMAT' },
    {
      name: 'NUL in a token name',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => (d.data.attributes.name = 'a\u0000b')),
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/attributes/name' },
    },
    {
      name: 'NUL in a role name',
      method: 'POST',
      url: '/roles',
      body: { data: { type: 'role', attributes: { name: 'a\u0000b' } } },
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/attributes/name' },
    },
    {
      name: 'NUL in a user name',
      method: 'POST',
      url: '/users',
      body: {
        data: { type: 'user', attributes: { email: 'nul@example.com', full_name: '\u0000' }, relationships: { role: { data: { type: 'role', id: roleId } } } },
      },
      status: 422,
      code: 'INVALID_FORMAT',
    },
    {
      name: 'NUL in the site name',
      method: 'PUT',
      url: '/site',
      body: { data: { type: 'site', attributes: { name: 'x\u0000' } } },
      status: 422,
      code: 'INVALID_FORMAT',
    },
    {
      name: 'flag is a string',
      method: 'PUT',
      url: `/access_tokens/${tokenId}`,
      body: { data: { type: 'access_token', attributes: { can_access_cma: 'true' } } },
      status: 422,
      code: 'INVALID_FORMAT',
    },
    {
      name: 'role id is a number',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => (d.data.relationships.role = { data: { type: 'role', id: Number(roleId) } })),
      status: 422,
      code: 'INVALID_FORMAT',
    },
    {
      name: 'permissions is a string',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => (d.data.attributes.permissions = '*')),
      status: 422,
      code: 'INVALID_FORMAT',
    },
    {
      name: 'unknown permission string',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => (d.data.attributes.permissions = ['content:read', 'content:destroy'])),
      status: 422,
      code: 'INVALID_FIELD',
      details: { field: 'permissions' },
    },
    {
      name: 'bad CIDR',
      method: 'PUT',
      url: `/access_tokens/${tokenId}`,
      body: { data: { type: 'access_token', attributes: { ip_allowlist: ['10.0.0.0/33'] } } },
      status: 422,
      code: 'INVALID_FIELD',
      details: { field: 'ip_allowlist' },
    },
    {
      name: 'expiry not a date',
      method: 'PUT',
      url: `/access_tokens/${tokenId}`,
      body: { data: { type: 'access_token', attributes: { expires_at: 'tomorrow' } } },
      status: 422,
      code: 'INVALID_FORMAT',
    },
    {
      name: 'unknown content action',
      method: 'POST',
      url: '/roles',
      body: { data: { type: 'role', attributes: { name: 'x', positive_item_type_permissions: [{ item_type: null, action: 'destroy' }] } } },
      status: 422,
      code: 'INVALID_FORMAT',
    },
    {
      name: 'duplicate role name',
      method: 'POST',
      url: '/roles',
      body: { data: { type: 'role', attributes: { name: 'Admin' } } },
      status: 422,
      code: 'INVALID_FIELD',
      details: { field: 'name' },
    },
    {
      name: 'role inheriting from itself',
      method: 'PUT',
      url: `/roles/${roleId}`,
      body: { data: { type: 'role', relationships: { inherits_permissions_from: { data: [{ type: 'role', id: roleId }] } } } },
      status: 422,
      code: 'INVALID_RELATIONSHIP',
    },
    {
      name: 'data.id not the URL id',
      method: 'PUT',
      url: `/access_tokens/${tokenId}`,
      body: { data: { type: 'access_token', id: '1', attributes: { name: 'x' } } },
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/id' },
    },
    {
      name: 'both role and user',
      method: 'PUT',
      url: `/access_tokens/${tokenId}`,
      body: { data: { type: 'access_token', relationships: { role: { data: { type: 'role', id: roleId } }, user: { data: { type: 'user', id: '1' } } } } },
      status: 422,
      code: 'INVALID_RELATIONSHIP',
    },
    {
      name: 'unknown role in relationship',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => (d.data.relationships.role = { data: { type: 'role', id: '999999' } })),
      status: 422,
      code: 'INVALID_RELATIONSHIP',
    },
    {
      name: 'non-numeric role in relationship',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => (d.data.relationships.role = { data: { type: 'role', id: 'admin' } })),
      status: 422,
      code: 'INVALID_RELATIONSHIP',
    },
    {
      name: 'huge role id in relationship',
      method: 'POST',
      url: '/access_tokens',
      body: tokenDoc((d) => (d.data.relationships.role = { data: { type: 'role', id: '99999999999999' } })),
      status: 422,
      code: 'INVALID_RELATIONSHIP',
    },

    ...(['GET', 'PUT', 'DELETE'] as const).flatMap((method) =>
      ['999999', 'abc', '0', '-1', '1.5', '99999999999999', '99999999999999999999999'].map(
        (id): Case => ({
          name: `${method} an unknown token id ${id}`,
          method,
          url: `/access_tokens/${id}`,
          ...(method === 'PUT' ? { body: { data: { type: 'access_token', attributes: { name: 'x' } } } } : {}),
          status: 404,
          code: 'NOT_FOUND',
        }),
      ),
    ),
    { name: 'rotating an unknown token', method: 'POST', url: '/access_tokens/99999999999/regenerate_token', status: 404, code: 'NOT_FOUND' },
    { name: 'an unknown role', method: 'GET', url: '/roles/99999999999', status: 404, code: 'NOT_FOUND' },
    {
      name: 'updating an unknown role',
      method: 'PUT',
      url: '/roles/nope',
      body: { data: { type: 'role', attributes: { name: 'x' } } },
      status: 404,
      code: 'NOT_FOUND',
    },
    { name: 'deleting an unknown role', method: 'DELETE', url: '/roles/424242', status: 404, code: 'NOT_FOUND' },
    { name: 'duplicating an unknown role', method: 'POST', url: '/roles/99999999999/duplicate', status: 404, code: 'NOT_FOUND' },
    { name: 'an unknown user', method: 'GET', url: '/users/abc', status: 404, code: 'NOT_FOUND' },
    { name: 'deleting an unknown user', method: 'DELETE', url: '/users/99999999999', status: 404, code: 'NOT_FOUND' },
    {
      name: 'updating an unknown user',
      method: 'PUT',
      url: '/users/424242',
      body: { data: { type: 'user', attributes: { full_name: 'x' } } },
      status: 404,
      code: 'NOT_FOUND',
    },

    {
      name: 'X-Api-Version 2',
      method: 'POST',
      url: '/access_tokens',
      body: validToken,
      headers: { 'x-api-version': '2' },
      status: 400,
      code: 'INVALID_API_VERSION',
    },
    { name: 'X-Api-Version garbage', method: 'GET', url: '/roles', headers: { 'x-api-version': 'latest' }, status: 400, code: 'INVALID_API_VERSION' },
    {
      name: 'Accept text/html',
      method: 'POST',
      url: '/access_tokens',
      body: validToken,
      headers: { accept: 'text/html' },
      status: 406,
      code: 'INVALID_ACCEPT_HEADER',
    },
    {
      name: 'Accept application/xml',
      method: 'GET',
      url: '/access_tokens',
      headers: { accept: 'application/xml' },
      status: 406,
      code: 'INVALID_ACCEPT_HEADER',
    },
    {
      name: 'text/plain body',
      method: 'POST',
      url: '/access_tokens',
      body: validToken,
      headers: { 'content-type': 'text/plain' },
      status: 415,
      code: 'INVALID_CONTENT_TYPE_HEADER',
    },
    {
      name: 'form body',
      method: 'POST',
      url: '/roles',
      body: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 415,
      code: 'INVALID_CONTENT_TYPE_HEADER',
    },
    {
      name: 'XML body',
      method: 'PUT',
      url: `/access_tokens/${tokenId}`,
      body: '<token/>',
      headers: { 'content-type': 'application/xml' },
      status: 415,
      code: 'INVALID_CONTENT_TYPE_HEADER',
    },

    { name: 'unknown list parameter', method: 'GET', url: '/access_tokens?filter[name]=x', status: 400, code: 'INVALID_PARAMS' },
    { name: 'page[limit] 0', method: 'GET', url: '/access_tokens?page[limit]=0', status: 400, code: 'INVALID_PARAMS', details: { parameter: 'page[limit]' } },
    { name: 'page[limit] over 500', method: 'GET', url: '/users?page[limit]=501', status: 400, code: 'INVALID_PARAMS', details: { parameter: 'page[limit]' } },
    {
      name: 'page[limit] not a number',
      method: 'GET',
      url: '/roles?page[limit]=ten',
      status: 400,
      code: 'INVALID_PARAMS',
      details: { parameter: 'page[limit]' },
    },
    { name: 'page[limit] empty', method: 'GET', url: '/roles?page[limit]=', status: 400, code: 'INVALID_PARAMS', details: { parameter: 'page[limit]' } },
    {
      name: 'page[limit] fractional',
      method: 'GET',
      url: '/users?page[limit]=2.5',
      status: 400,
      code: 'INVALID_PARAMS',
      details: { parameter: 'page[limit]' },
    },
    {
      name: 'page[offset] negative',
      method: 'GET',
      url: '/access_tokens?page[offset]=-1',
      status: 400,
      code: 'INVALID_PARAMS',
      details: { parameter: 'page[offset]' },
    },
    {
      name: 'page[offset] past 2^53',
      method: 'GET',
      url: '/users?page[offset]=9007199254740993',
      status: 400,
      code: 'INVALID_PARAMS',
      details: { parameter: 'page[offset]' },
    },
    {
      name: 'page[offset] twice',
      method: 'GET',
      url: '/roles?page[offset]=1&page[offset]=2',
      status: 400,
      code: 'INVALID_PARAMS',
      details: { parameter: 'page[offset]' },
    },
    { name: 'page as a nested object', method: 'GET', url: '/access_tokens?page=1', status: 400, code: 'INVALID_PARAMS' },
    { name: 'unknown find parameter', method: 'GET', url: `/access_tokens/${tokenId}?fields=name`, status: 400, code: 'INVALID_PARAMS' },
    { name: 'unknown create parameter', method: 'POST', url: '/access_tokens?dry_run=true', body: validToken, status: 400, code: 'INVALID_PARAMS' },
    {
      name: 'unknown update parameter',
      method: 'PUT',
      url: `/access_tokens/${tokenId}?force=1`,
      body: { data: { type: 'access_token', attributes: { name: 'x' } } },
      status: 400,
      code: 'INVALID_PARAMS',
    },
    { name: 'unknown role-create parameter', method: 'POST', url: '/roles?x=1', body: validRole, status: 400, code: 'INVALID_PARAMS' },
    { name: 'unknown role-delete parameter', method: 'DELETE', url: `/roles/${roleId}?cascade=true`, status: 400, code: 'INVALID_PARAMS' },
    { name: 'unknown duplicate parameter', method: 'POST', url: `/roles/${roleId}/duplicate?name=x`, status: 400, code: 'INVALID_PARAMS' },
    {
      name: 'role data.id not the URL id',
      method: 'PUT',
      url: `/roles/${roleId}`,
      body: { data: { type: 'role', id: '999', attributes: { name: 'x' } } },
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/id' },
    },
    { name: 'unknown item-type parameter', method: 'GET', url: '/item-types/1?x=1', status: 400, code: 'INVALID_PARAMS' },
    {
      name: 'unknown item-create parameter',
      method: 'POST',
      url: '/items?x=1',
      body: { data: { type: 'item', attributes: {} } },
      status: 400,
      code: 'INVALID_PARAMS',
    },
    {
      name: 'unknown site parameter',
      method: 'PUT',
      url: '/site?x=1',
      body: { data: { type: 'site', attributes: { name: 'x' } } },
      status: 400,
      code: 'INVALID_PARAMS',
    },
    { name: 'negative grace period', method: 'POST', url: `/access_tokens/${tokenId}/regenerate_token?grace_period=-5`, status: 400, code: 'INVALID_PARAMS' },
    {
      name: 'non-numeric grace period',
      method: 'POST',
      url: `/access_tokens/${tokenId}/regenerate_token?grace_period=soon`,
      status: 400,
      code: 'INVALID_PARAMS',
    },
    { name: 'unknown rotate parameter', method: 'POST', url: `/access_tokens/${tokenId}/regenerate_token?reason=x`, status: 400, code: 'INVALID_PARAMS' },
    {
      name: 'bad destination type',
      method: 'DELETE',
      url: `/access_tokens/${tokenId}?destination_user_type=robot&destination_user_id=1`,
      status: 400,
      code: 'INVALID_PARAMS',
    },
    {
      name: 'unknown destination user',
      method: 'DELETE',
      url: `/access_tokens/${tokenId}?destination_user_type=user&destination_user_id=424242`,
      status: 422,
      code: 'INVALID_DESTINATION_USER',
    },

    {
      name: 'JSON nested 20,000 deep in a role permission entry',
      method: 'POST',
      url: '/roles',
      body: `{"data":{"type":"role","attributes":{"name":"Deep","positive_item_type_permissions":[{"item_type":${nested(20_000)},"action":"read"}]}}}`,
      status: 400,
      code: 'JSON_NESTING_TOO_DEEP',
      details: { max_depth: 64 },
    },
    {
      name: 'JSON nested 20,000 deep in a token attribute',
      method: 'PUT',
      url: `/access_tokens/${tokenId}`,
      body: `{"data":{"type":"access_token","attributes":{"permissions":${nested(20_000)}}}}`,
      status: 400,
      code: 'JSON_NESTING_TOO_DEEP',
    },
    { name: 'a body nested 65 levels deep', method: 'PUT', url: `/roles/${roleId}`, body: nested(65), status: 400, code: 'JSON_NESTING_TOO_DEEP' },
    {
      name: 'a body of 64 levels is only checked for its shape',
      method: 'PUT',
      url: `/roles/${roleId}`,
      body: nested(64),
      status: 422,
      code: 'INVALID_FORMAT',
    },
    { name: 'an empty body with a JSON content type', method: 'POST', url: '/roles', body: '', status: 422, code: 'INVALID_FORMAT' },
    { name: 'a blank body with a JSON content type', method: 'PUT', url: `/access_tokens/${tokenId}`, body: ' \n ', status: 422, code: 'INVALID_FORMAT' },
    {
      name: 'a prototype-poisoning body',
      method: 'POST',
      url: '/roles',
      body: '{"data":{"type":"role","attributes":{"name":"P"}},"__proto__":{"admin":true}}',
      status: 400,
      code: 'INVALID_JSON_BODY',
    },
    { name: 'malformed percent-encoding in a path id', method: 'GET', url: '/items/%E0%A4%A', status: 400, code: 'INVALID_URL' },
    {
      name: 'an invalid escape in a token id',
      method: 'PUT',
      url: '/access_tokens/%ZZ',
      body: { data: { type: 'access_token', attributes: { name: 'x' } } },
      status: 400,
      code: 'INVALID_URL',
    },
    { name: 'a path id over 100 characters', method: 'GET', url: `/access_tokens/${'9'.repeat(101)}`, status: 404, code: 'NOT_FOUND' },
    {
      name: 'a path id of 2,000 characters on an update',
      method: 'PUT',
      url: `/roles/${'a'.repeat(2_000)}`,
      body: { data: { type: 'role', attributes: { name: 'x' } } },
      status: 404,
      code: 'NOT_FOUND',
    },
    { name: 'OPTIONS that is no preflight', method: 'OPTIONS', url: '/access_tokens', status: 400, code: 'INVALID_PREFLIGHT_REQUEST' },
    {
      name: 'a preflight without Access-Control-Request-Method',
      method: 'OPTIONS',
      url: `/roles/${roleId}`,
      headers: { origin: 'https://example.com' },
      status: 400,
      code: 'INVALID_PREFLIGHT_REQUEST',
    },
    {
      name: 'a preflight without Origin',
      method: 'OPTIONS',
      url: '/graphql',
      headers: { 'access-control-request-method': 'POST' },
      status: 400,
      code: 'INVALID_PREFLIGHT_REQUEST',
    },
    {
      name: 'NUL in an audit-log filter',
      method: 'GET',
      url: '/audit_log_events?filter[actor_id]=%00',
      status: 400,
      code: 'INVALID_PARAMS',
      details: { parameter: 'filter[actor_id]' },
    },
    { name: 'NUL inside a query parameter', method: 'GET', url: '/audit_log_events?filter[subject_id]=a%00b', status: 400, code: 'INVALID_PARAMS' },
    { name: 'NUL in a parameter name', method: 'GET', url: '/roles?a%00=1', status: 400, code: 'INVALID_PARAMS' },
    {
      name: 'NUL in a model name',
      method: 'POST',
      url: '/item-types',
      body: { data: { type: 'item_type', attributes: { name: 'a\u0000', api_key: 'nul_model' } } },
      status: 422,
      code: 'INVALID_FORMAT',
      details: { pointer: '/data/attributes/name' },
    },
    { name: 'an unknown route', method: 'GET', url: '/nope', status: 404, code: 'NOT_FOUND' },
    { name: 'an unknown sub-route', method: 'POST', url: `/access_tokens/${tokenId}/revoke`, body: {}, status: 404, code: 'NOT_FOUND' },
    {
      name: 'an unknown method',
      method: 'PATCH',
      url: `/access_tokens/${tokenId}`,
      body: { data: { type: 'access_token', attributes: { name: 'x' } } },
      status: 404,
      code: 'NOT_FOUND',
    },
    { name: 'DELETE on a collection', method: 'DELETE', url: '/access_tokens', status: 404, code: 'NOT_FOUND' },
  ];
}

const NAMES = cases({ role: ROLE, token: TOKEN }).map((c, index) => [c.name, index] as const);

for (const dialect of DIALECTS) {
  describe(`${dialect}: bad input`, () => {
    let h: Harness;
    let roleId: string;
    let tokenId: string;

    const send = (c: Pick<Case, 'method' | 'url' | 'body' | 'headers'>, token: string | null = h.adminSecret): Promise<LightMyRequestResponse> =>
      h.app.inject({
        method: c.method,
        url: c.url,
        headers: {
          ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
          ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...c.headers,
        },
        ...(c.body !== undefined ? { payload: typeof c.body === 'string' ? c.body : JSON.stringify(c.body) } : {}),
      });

    /** Runs `work`, asserting the store looks exactly the same afterwards. */
    async function unchanged<T>(work: () => Promise<T>): Promise<T> {
      const before = await snapshot(h);
      const result = await work();
      expect(await snapshot(h)).toEqual(before);
      return result;
    }

    beforeAll(async () => {
      h = await startHarness({ dialect });
      roleId = await createRole(h, { can_edit_schema: true });
      tokenId = (await createToken(h, { roleId })).id;
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    it.each(NAMES)('%s: a clear 4xx, nothing changed', async (_name, index) => {
      const c = cases({ role: roleId, token: tokenId })[index];
      if (!c) throw new Error(`no case ${index}`);
      await unchanged(async () => {
        const res = await send(c);
        const details = expectProblem(res, c.status, c.code);
        if (c.details) expect(details, c.name).toMatchObject(c.details);
      });
    });
  });
}

/** The Authorization header, as the RFC allows it and as it arrives in the wild. */
for (const dialect of DIALECTS) {
  describe(`${dialect}: the Authorization header`, () => {
    let h: Harness;
    let roleId: string;
    const createBody = () => ({
      data: {
        type: 'access_token',
        attributes: { name: 'Header test', can_access_cda: true, can_access_cda_preview: false, can_access_cma: false },
        relationships: { role: { data: { type: 'role', id: roleId } } },
      },
    });
    const post = (authorization: string | undefined, url = '/access_tokens') =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', ...(authorization !== undefined ? { authorization } : {}) },
        payload: JSON.stringify(createBody()),
      });

    beforeAll(async () => {
      h = await startHarness({ dialect });
      roleId = await adminRoleId(h);
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    it('accepts the scheme in any case and more than one space before the token (RFC 6750 §2.1)', async () => {
      for (const header of [`bearer ${h.adminSecret}`, `BEARER ${h.adminSecret}`, `Bearer   ${h.adminSecret}`]) {
        const res = await h.app.inject({ method: 'GET', url: '/users/me', headers: { authorization: header } });
        expect(res.statusCode, header).toBe(200);
      }
    });

    const refusals: [string, (secret: string) => string | undefined, string][] = [
      ['no header', () => undefined, 'missing'],
      ['an empty header', () => '', 'missing'],
      ['Basic credentials', () => 'Basic dXNlcjpwYXNzd29yZA==', 'malformed'],
      ['the scheme alone', () => 'Bearer', 'malformed'],
      ['the scheme and a space', () => 'Bearer ', 'malformed'],
      ['another scheme with the secret', (s) => `Token ${s}`, 'malformed'],
      ['the secret without a scheme', (s) => s, 'malformed'],
      ['a trailing word', (s) => `Bearer ${s} extra`, 'malformed'],
      ['a trailing space', (s) => `Bearer ${s} `, 'malformed'],
      ['a wrong checksum', (s) => `Bearer ${s.slice(0, -1)}${s.endsWith('A') ? 'B' : 'A'}`, 'malformed'],
      ['an unknown well-formed secret', () => `Bearer ${generateSecret(randomBytes)}`, 'unknown'],
      ['an unknown foreign secret', () => 'Bearer 0123456789abcdef0123456789abcd', 'unknown'],
    ];
    it.each(refusals)('refuses %s with 401, changing nothing', async (_name, header, reason) => {
      const before = await snapshot(h);
      const res = await post(header(h.adminSecret));
      const details = expectProblem(res, 401, 'INVALID_AUTHORIZATION_HEADER');
      expect(details.reason).toBe(reason);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="latchkey"/);
      expect(await snapshot(h)).toEqual(before);
    });

    it('ignores a token in the query string', async () => {
      const before = await snapshot(h);
      for (const name of ['access_token', 'token', 'api_token']) {
        const res = await post(undefined, `/access_tokens?${name}=${h.adminSecret}`);
        expect(expectProblem(res, 401, 'INVALID_AUTHORIZATION_HEADER').reason).toBe('missing');
      }
      expect(await snapshot(h)).toEqual(before);
    });

    it('never answers an arbitrary header with anything but a 401 envelope, and changes nothing', async () => {
      const before = await snapshot(h);
      const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });
      const header = fc.oneof(
        printable,
        printable.map((s) => `Bearer ${s}`),
        printable.map((s) => `bearer lk_${s}`),
        fc.nat({ max: h.adminSecret.length - 1 }).map((cut) => `Bearer ${h.adminSecret.slice(0, cut)}`),
      );
      await fc.assert(
        fc.asyncProperty(header, async (value) => {
          h.clock.advance(3_000);
          const res = await post(value);
          expect(res.statusCode).toBe(401);
          expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
          expect((res.json() as { data: { type: string }[] }).data[0]?.type).toBe('api_error');
        }),
        { numRuns: 200 },
      );
      expect(await snapshot(h)).toEqual(before);
    });
  });

  describe(`${dialect}: oversized bodies`, () => {
    let h: Harness;
    let roleId: string;
    beforeAll(async () => {
      h = await startHarness({ dialect, config: { bodyLimitBytes: 2048 } });
      roleId = await adminRoleId(h);
    });
    afterAll(() => h.close());

    it('answers 413 REQUEST_TOO_LARGE past the configured limit and changes nothing', async () => {
      const before = await snapshot(h);
      const bodies: [string, unknown][] = [
        [
          '/access_tokens',
          {
            data: {
              type: 'access_token',
              attributes: { name: 'x'.repeat(4000), can_access_cda: true, can_access_cda_preview: false, can_access_cma: false },
              relationships: { role: { data: { type: 'role', id: roleId } } },
            },
          },
        ],
        [
          '/roles',
          {
            data: {
              type: 'role',
              attributes: { name: 'Big', positive_item_type_permissions: Array.from({ length: 200 }, () => ({ item_type: null, action: 'read' })) },
            },
          },
        ],
      ];
      for (const [url, body] of bodies) {
        expectProblem(await h.request('POST', url, { token: h.adminSecret, body }), 413, 'REQUEST_TOO_LARGE');
      }
      expect(await snapshot(h)).toEqual(before);
      const small = await h.request('POST', '/roles', { token: h.adminSecret, body: { data: { type: 'role', attributes: { name: 'Small' } } } });
      expect(small.statusCode).toBe(201);
    });
  });

  describe(`${dialect}: fuzzed bodies`, () => {
    let h: Harness;
    let roleId: string;
    let tokenId: string;
    beforeAll(async () => {
      h = await startHarness({ dialect });
      roleId = await createRole(h);
      tokenId = (await createToken(h, { roleId })).id;
    });
    afterAll(() => h.close());

    const routes = (): [Method, string][] => [
      ['POST', '/access_tokens'],
      ['PUT', `/access_tokens/${tokenId}`],
      ['POST', '/roles'],
      ['PUT', `/roles/${roleId}`],
      ['POST', '/users'],
      ['PUT', '/site'],
    ];

    function expectEnvelope(res: LightMyRequestResponse) {
      expect(res.statusCode, res.body).toBeLessThan(500);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const body = res.json() as { data: unknown };
      if (res.statusCode >= 400) expect((body.data as { type: string }[])[0]?.type).toBe('api_error');
      else expect(body.data).toBeTypeOf('object');
    }

    it('answers any JSON value with a 4xx envelope and changes nothing', async () => {
      const before = await snapshot(h);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes()), fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }), async ([method, url], body) => {
          h.clock.advance(3_000);
          const res = await h.app.inject({
            method,
            url,
            headers: { authorization: `Bearer ${h.adminSecret}`, 'content-type': 'application/json' },
            payload: JSON.stringify(body) ?? 'null',
          });
          expectEnvelope(res);
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
        }),
        { numRuns: 150 },
      );
      expect(await snapshot(h)).toEqual(before);
    });

    it('answers documents with an arbitrary value in any member without a 5xx, and a refusal changes nothing', async () => {
      const documents = () => ({
        token: {
          data: {
            type: 'access_token',
            attributes: {
              name: 'Fuzz',
              can_access_cda: true,
              can_access_cda_preview: false,
              can_access_cma: false,
              permissions: ['content:read'],
              expires_at: null,
              ip_allowlist: null,
              rate_limit: null,
              enabled: true,
            },
            relationships: { role: { data: { type: 'role', id: roleId } }, root_nodes: { data: [] } },
          },
        },
        role: {
          data: {
            type: 'role',
            attributes: {
              name: 'Fuzz role',
              can_edit_site: false,
              environments_access: 'all',
              positive_item_type_permissions: [{ item_type: null, action: 'read', on_creator: 'anyone' }],
            },
            relationships: { inherits_permissions_from: { data: [{ type: 'role', id: roleId }] } },
          },
        },
      });
      /** Every path to a member of the document, so the fuzzer can replace any one of them. */
      const paths = (value: unknown, prefix: string[] = []): string[][] =>
        value !== null && typeof value === 'object'
          ? Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])])
          : [];
      const replaceAt = (doc: unknown, path: string[], replacement: unknown): unknown => {
        const copy = structuredClone(doc) as Record<string, unknown>;
        let node: Record<string, unknown> = copy;
        for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
        const last = path[path.length - 1] as string;
        if (replacement === undefined) delete node[last];
        else node[last] = replacement;
        return copy;
      };
      const docs = documents();
      const cases = [
        ...paths(docs.token).flatMap((p) => [['POST', '/access_tokens', docs.token, p] as const, ['PUT', `/access_tokens/${tokenId}`, docs.token, p] as const]),
        ...paths(docs.role).flatMap((p) => [['POST', '/roles', docs.role, p] as const, ['PUT', `/roles/${roleId}`, docs.role, p] as const]),
      ];
      const replacement = fc.oneof(
        fc.constant(undefined),
        fc.jsonValue({ maxDepth: 2 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.constantFrom('', ' ', '\u0000', '-1', '0', '99999999999', 'lk_x', '*', 'content:*', '::/0'),
      );

      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...cases), replacement, async ([method, url, doc, path], value) => {
          h.clock.advance(3_000);
          const before = await snapshot(h);
          const res = await h.app.inject({
            method,
            url,
            headers: { authorization: `Bearer ${h.adminSecret}`, 'content-type': 'application/json' },
            payload: JSON.stringify(replaceAt(doc, path, value)),
          });
          expectEnvelope(res);
          if (res.statusCode >= 400) expect(await snapshot(h)).toEqual(before);
          else if (method === 'POST') {
            // Keep the project small and names free for the next run.
            const created = (res.json() as { data: { id: string } }).data.id;
            const cleanup = await h.request('DELETE', `${url}/${created}`, { token: h.adminSecret });
            expect(cleanup.statusCode, cleanup.body).toBe(200);
          }
        }),
        { numRuns: 150 },
      );
    });
  });
}

/** Uniqueness is checked before writing; concurrent requests must still get the same clear 422. */
for (const dialect of DIALECTS) {
  describe(`${dialect}: concurrent writes`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect });
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    const burst = (n: number, request: () => Promise<LightMyRequestResponse>) => Promise.all(Array.from({ length: n }, request));

    it('lets one of several same-name role creates win and refuses the rest with INVALID_FIELD', async () => {
      const responses = await burst(8, () =>
        h.request('POST', '/roles', { token: h.adminSecret, body: { data: { type: 'role', attributes: { name: 'Twins' } } } }),
      );
      expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(1);
      for (const res of responses.filter((r) => r.statusCode !== 201)) expect(expectProblem(res, 422, 'INVALID_FIELD')).toMatchObject({ field: 'name' });
    });

    it('lets one of several same-email user creates win and refuses the rest with INVALID_FIELD', async () => {
      const roleId = await adminRoleId(h);
      const body = {
        data: { type: 'user', attributes: { email: 'twin@example.com', full_name: 'Twin' }, relationships: { role: { data: { type: 'role', id: roleId } } } },
      };
      const responses = await burst(8, () => h.request('POST', '/users', { token: h.adminSecret, body }));
      expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(1);
      for (const res of responses.filter((r) => r.statusCode !== 201)) expect(expectProblem(res, 422, 'INVALID_FIELD')).toMatchObject({ field: 'email' });
    });

    it('gives concurrent duplicates of a role distinct names', async () => {
      const roleId = await createRole(h, { can_edit_schema: true });
      const responses = await burst(6, () => h.request('POST', `/roles/${roleId}/duplicate`, { token: h.adminSecret }));
      for (const res of responses) expect(res.statusCode, res.body).toBe(201);
      const names = responses.map((r) => (r.json() as { data: { attributes: { name: string } } }).data.attributes.name);
      expect(new Set(names).size).toBe(6);
      for (const name of names) expect(name).toMatch(/ \(duplicate #[1-6]\)$/);
    });
  });
}

/** A record's `json` field is the one place where clients may send arbitrary nesting. */
for (const dialect of DIALECTS) {
  describe(`${dialect}: deep JSON in records`, () => {
    let h: Harness;
    let typeId: string;
    beforeAll(async () => {
      h = await startHarness({ dialect });
      typeId = await createItemType(h, 'note', [{ api_key: 'data', field_type: 'json' }]);
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    const create = (value: string) =>
      h.request('POST', '/items', {
        token: h.adminSecret,
        body: `{"data":{"type":"item","attributes":{"data":${value}},"relationships":{"item_type":{"data":{"type":"item_type","id":"${typeId}"}}}}}`,
      });
    const itemCount = async () => ((await h.request('GET', '/items', { token: h.adminSecret })).json() as { data: unknown[] }).data.length;

    it('refuses a value nested 20,000 deep, or one level past the limit, and stores nothing', async () => {
      const before = { state: await snapshot(h), items: await itemCount() };
      // The document itself nests three levels (document, data, attributes) around the value.
      for (const depth of [20_000, 62]) expect(expectProblem(await create(nested(depth)), 400, 'JSON_NESTING_TOO_DEEP').max_depth).toBe(64);
      expect(expectProblem(await create(`${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`), 400, 'JSON_NESTING_TOO_DEEP').max_depth).toBe(64);
      expect({ state: await snapshot(h), items: await itemCount() }).toEqual(before);
    });

    it('stores and returns a value exactly at the limit', async () => {
      const res = await create(nested(61));
      expect(res.statusCode, res.body).toBe(201);
      const id = (res.json() as { data: { id: string } }).data.id;
      const read = await h.request('GET', `/items/${id}`, { token: h.adminSecret });
      expect((read.json() as { data: { attributes: { data: unknown } } }).data.attributes.data).toEqual(JSON.parse(nested(61)));
    });
  });
}

/** GraphQL documents and variables past the documented limits: refused cheaply, never a stack trace. */
describe('sqlite: hostile GraphQL', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect: 'sqlite' });
    await createItemType(h, 'article', [{ api_key: 'title', field_type: 'string' }]);
  });
  afterAll(() => h.close());
  beforeEach(() => h.clock.advance(3_000));

  const post = (body: unknown) => h.request('POST', '/graphql', { token: h.adminSecret, body: typeof body === 'string' ? body : JSON.stringify(body) });
  /** The one `errors[]` entry of a refused document, asserting the GraphQL shape and no internals. */
  const refusal = (res: LightMyRequestResponse) => {
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toMatch(/RangeError|call stack|at .*\.(ts|js):\d+/);
    const body = res.json() as { data?: unknown; errors: { message: string; extensions: { code: string; details: { limit: string; max: number } } }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]?.extensions.code).toBe('QUERY_TOO_COMPLEX');
    return body.errors[0]!.extensions.details;
  };

  it.each([
    ['an inline filter nested 1,500 deep', `{ allArticles(filter: ${'{AND: ['.repeat(1_500)}{}${']}'.repeat(1_500)}) { id } }`, 'nesting'],
    ['a list argument nested 5,000 deep', `{ allArticles(orderBy: ${nested(5_000)}) { id } }`, 'nesting'],
    ['a 30 KB query of 1,600 identical fields', `{ allArticles { ${'title '.repeat(1_600)}} }`.padEnd(30_000, ' '), 'selections'],
    [
      '1,600 selections spread through fragments',
      `{ allArticles { ...A ...A ...A ...A } } fragment A on ArticleRecord { ${'title '.repeat(400)}}`,
      'selections',
    ],
    ['101 aliases', `{ ${Array.from({ length: 101 }, (_, i) => `a${i}: _site { __typename }`).join(' ')} }`, 'aliases'],
    ['selections 13 levels deep', `{ ${'allArticles { parent { '.repeat(7).slice(0, -2)} id ${'} '.repeat(13)}}`, 'depth'],
    ['more than 10,000 tokens', `{ allArticles { ${'id '.repeat(10_001)}} }`, 'tokens'],
    ['a query over 64 KiB', `{ allArticles { id } } #${'x'.repeat(65_536)}`, 'bytes'],
  ])('refuses %s with QUERY_TOO_COMPLEX, the same way twice', async (_name, query, limit) => {
    for (let i = 0; i < 2; i++) expect(refusal(await post({ query }))).toMatchObject({ limit });
    const get = await h.request('GET', `/graphql?query=${encodeURIComponent(query)}`, { token: h.adminSecret });
    if (get.statusCode !== 431) expect(refusal(get)).toMatchObject({ limit });
  });

  it('answers queries at the limits', async () => {
    const fields = `{ allArticles { ${'title '.repeat(499)}} }`;
    const aliases = `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: _allArticlesMeta { count }`).join(' ')} }`;
    for (const query of [fields, aliases]) {
      const res = await post({ query });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).not.toHaveProperty('errors');
    }
  });

  it('refuses variables nested 1,000 deep, in the body and in the query string', async () => {
    const query = 'query($f: ArticleModelFilter) { allArticles(filter: $f) { id } }';
    const deep = JSON.parse(`${'{"AND":['.repeat(1_000)}{}${']}'.repeat(1_000)}`) as unknown;
    expectProblem(await post({ query, variables: { f: deep } }), 400, 'JSON_NESTING_TOO_DEEP');
    const get = await h.request('GET', `/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ f: deep }))}`, {
      token: h.adminSecret,
    });
    expect(expectProblem(get, 400, 'JSON_NESTING_TOO_DEEP').parameter).toBe('variables');
    const shallow = JSON.parse(`${'{"AND":['.repeat(20)}{}${']}'.repeat(20)}`) as unknown;
    const ok = await post({ query, variables: { f: shallow } });
    expect(ok.json()).toEqual({ data: { allArticles: [] } });
  });

  it("answers variables of the wrong type in errors[], with graphql-js's message and nothing internal", async () => {
    const res = await post({ query: 'query($n: IntType) { allArticles(first: $n) { id } }', variables: { n: nested(50) } });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toMatch(/RangeError|call stack/);
    expect((res.json() as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
  });
});

/** What only a real socket shows: clients still sending when the answer comes, and bytes that are not HTTP. */
describe('sqlite: hostile input over HTTP', () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness({ dialect: 'sqlite' });
    base = await h.listen();
  });
  afterAll(() => h.close());
  beforeEach(() => h.clock.advance(3_000));

  const envelopeCode = async (res: Response) => {
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    return ((await res.json()) as { data: { type: string; attributes: { code: string } }[] }).data[0]?.attributes.code;
  };
  const stillServes = async () => {
    const res = await fetch(`${base}/roles`, { headers: { authorization: `Bearer ${h.adminSecret}` } });
    expect(res.status).toBe(200);
  };

  it('gives fetch the 413 in the envelope for 2, 4 and 12 MiB bodies, and keeps serving', async () => {
    const before = await snapshot(h);
    for (const [url, mib] of [
      ['/access_tokens', 2],
      ['/roles', 4],
      ['/access_tokens', 12],
      ['/graphql', 4],
    ] as const) {
      const body = JSON.stringify({ data: { type: 'role', attributes: { name: 'x'.repeat(mib * 1024 * 1024) } } });
      const res = await fetch(`${base}${url}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.adminSecret}`, 'content-type': 'application/json' },
        body,
      });
      expect(res.status, `${mib} MiB to ${url}`).toBe(413);
      expect(await envelopeCode(res)).toBe('REQUEST_TOO_LARGE');
      await stillServes();
    }
    expect(await snapshot(h)).toEqual(before);
  });

  it('gives fetch the 413 for a chunked body without a length', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
    const body = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 3; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const init = { method: 'POST', headers: { authorization: `Bearer ${h.adminSecret}`, 'content-type': 'application/json' }, body, duplex: 'half' };
    const res = await fetch(`${base}/roles`, init as RequestInit);
    expect(res.status).toBe(413);
    expect(await envelopeCode(res)).toBe('REQUEST_TOO_LARGE');
    await stillServes();
  });

  it('answers oversized headers with 431 in the envelope', async () => {
    const res = await fetch(`${base}/roles`, { headers: { authorization: `Bearer ${h.adminSecret}`, 'x-padding': 'p'.repeat(20_000) } });
    expect(res.status).toBe(431);
    expect(await envelopeCode(res)).toBe('REQUEST_HEADERS_TOO_LARGE');
    await stillServes();
  });

  it('answers bytes that are not HTTP with 400 MALFORMED_REQUEST in the envelope', async () => {
    const { port } = new URL(base);
    for (const raw of [
      'GET /roles HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
      'POST /roles HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      '\u0000\u0001garbage\r\n\r\n',
    ]) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(raw));
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (text += chunk));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
        socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
      });
      expect(answer, JSON.stringify(raw)).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).data[0].attributes.code).toBe('MALFORMED_REQUEST');
    }
    await stillServes();
  });
});

/** The account-token API answers the same framework errors in its own envelope. */
for (const dialect of DIALECTS) {
  describe(`${dialect}: hostile input to the account-token API`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ dialect });
    });
    afterAll(() => h.close());
    beforeEach(() => h.clock.advance(3_000));

    it.each([
      ['a bad escape', 'DELETE', '/api/v1/admin/access-tokens/%E0%A4%A', undefined, 400, 'INVALID_URL'],
      ['a 200-character id', 'DELETE', `/api/v1/admin/access-tokens/${'1'.repeat(200)}`, undefined, 404, 'NOT_FOUND'],
      ['a deep body', 'POST', '/api/v1/admin/access-tokens', `{"name":${nested(100)}}`, 400, 'JSON_NESTING_TOO_DEEP'],
      ['a non-preflight OPTIONS', 'OPTIONS', '/api/v1/admin/access-tokens', undefined, 400, 'INVALID_PREFLIGHT_REQUEST'],
      ['NUL in a token name', 'POST', '/api/v1/admin/access-tokens', { name: 'a\u0000b' }, 400, 'INVALID_FORMAT'],
      ['NUL in a query parameter', 'GET', '/api/v1/admin/access-tokens?x=%00', undefined, 400, 'INVALID_PARAMS'],
    ] as const)('answers %s in the account envelope, changing nothing', async (_name, method, url, body, status, code) => {
      const before = await snapshot(h);
      const res = await h.request(method, url, { token: h.adminSecret, ...(body !== undefined ? { body } : {}) });
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json()).toMatchObject({ status: 'error', error: { code } });
      expect(await snapshot(h)).toEqual(before);
    });
  });
}
