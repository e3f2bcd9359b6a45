/**
 * Hostile values: ids, strings, numbers and JSON that servers of this kind have choked on — odd
 * encodings, huge numbers, deep nesting, the NUL character, the wrong type altogether.
 */
import fc from 'fast-check';

export const nested = (depth: number, open = '[', close = ']') => open.repeat(depth) + close.repeat(depth);

/** A path segment where an id goes: real ids, missing ones, and everything a router can trip on. */
export function idSegment(existing: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...existing), weight: 6 },
    { arbitrary: fc.integer({ min: 0, max: 3_000_000_000 }).map(String), weight: 2 },
    {
      arbitrary: fc.constantFrom(
        '0',
        '-1',
        '1.5',
        '1e3',
        '0x10',
        '01',
        '99999999999999999999',
        'abc',
        'null',
        '%20',
        '%00',
        '%E0%A4%A',
        '%ZZ',
        '%',
        '%F0%9F%92%A5',
        '%C3%BC',
        '..',
        '.',
        'lk_0123456789abcdefghijABCDEFGHIJ012345',
      ),
      weight: 3,
    },
    { arbitrary: fc.integer({ min: 95, max: 400 }).map((n) => '9'.repeat(n)), weight: 1 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent), weight: 2 },
  );
}

/** Values that replace a member of a valid document. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 4 },
  {
    arbitrary: fc.constantFrom(
      null,
      true,
      false,
      0,
      -0,
      -1,
      1.5,
      1e308,
      -1e308,
      2 ** 53 + 2,
      5e-324,
      [],
      {},
      '',
      ' ',
      '\u0000',
      '*',
      '::/0',
      'lk_x',
      'content:*',
    ),
    weight: 4,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }), weight: 2 },
  { arbitrary: fc.integer({ min: 256, max: 20_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 80 }).map((n) => JSON.parse(nested(n)) as unknown), weight: 1 },
);

/**
 * JSON text nested deep enough to overflow any recursive code that sees it (JSON.parse itself
 * copes). Kept as text: `JSON.stringify` of such a value would overflow in the test itself.
 */
export const deepJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 5_000, max: 20_000 }).map((n) => nested(n)),
  fc.integer({ min: 5_000, max: 10_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
);

/** Whole bodies that are not the document at all, a few of them past the 1 MiB body limit. */
export const hostileBodyText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'), weight: 4 },
  {
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'null',
      '[]',
      '{}',
      '"x"',
      '0',
      '{',
      '{"data":',
      '{"data":{}},',
      'nul',
      '\uFEFF{}',
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{"x":1}}}',
      '{"data":1e999}',
      '{"data":-1e999}',
    ),
    weight: 4,
  },
  { arbitrary: fc.integer({ min: 60, max: 20_000 }).map((n) => nested(n)), weight: 2 },
  { arbitrary: fc.integer({ min: 60, max: 5_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 3 }).map((mib) => `{"data":"${'x'.repeat(mib * 1024 * 1024)}"}`), weight: 1 },
);
