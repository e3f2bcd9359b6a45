/**
 * `docs/errors.md` and the error catalog must not drift apart: every code documented once, with
 * its status and its line of documentation, under the anchor that `doc_url` points to.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ERROR_CATALOG, type ErrorCode } from '../../src/core/errors.ts';
import { errorDocument } from '../../src/http/errors.ts';

const DOC = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const ROW = /^\| <a id="([^"]+)"><\/a>`([A-Z0-9_]+)` \| (\d{3}) \| (.+) \|$/;

interface Row {
  readonly anchor: string;
  readonly code: string;
  readonly status: number;
  readonly meaning: string;
}

const rows: Row[] = DOC.split('\n')
  .map((line) => ROW.exec(line))
  .filter((m): m is RegExpExecArray => m !== null)
  .map(([, anchor, code, status, meaning]) => ({ anchor: anchor!, code: code!, status: Number(status), meaning: meaning! }));
const catalog = Object.entries(ERROR_CATALOG) as Array<[ErrorCode, { status: number; doc: string }]>;

describe('docs/errors.md', () => {
  it('documents every catalog code', () => {
    const documented = new Set(rows.map((r) => r.code));
    expect(catalog.map(([code]) => code).filter((code) => !documented.has(code))).toEqual([]);
  });

  it('documents no code that is not in the catalog, and none twice', () => {
    expect(rows.map((r) => r.code).filter((code) => !(code in ERROR_CATALOG))).toEqual([]);
    expect(rows).toHaveLength(new Set(rows.map((r) => r.code)).size);
  });

  it('gives each code its catalog status and its line of documentation', () => {
    for (const row of rows) {
      const entry = ERROR_CATALOG[row.code as ErrorCode];
      expect({ code: row.code, status: row.status, meaning: row.meaning }).toEqual({ code: row.code, status: entry.status, meaning: entry.doc });
    }
  });

  it('has an anchor at every doc_url the API sends', () => {
    const anchors = new Set([...DOC.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));
    for (const [code] of catalog) {
      const url = errorDocument(code, {}).data[0]!.attributes.doc_url;
      const [path, anchor] = url.split('#');
      expect(path).toBe('docs/errors.md');
      expect(anchors.has(anchor), `${code} → #${anchor}`).toBe(true);
    }
  });

  it('describes the envelope and the 401 challenge', () => {
    expect(DOC).toContain('"type": "api_error"');
    for (const member of ['"code"', '"details"', '"doc_url"']) expect(DOC).toContain(member);
    expect(DOC).toMatch(/WWW-Authenticate: Bearer/);
  });
});
