import { describe, expect, it } from 'vitest';
import { ApiProblem } from '../errors.ts';
import { conforms, validateValues } from './fields.ts';
import type { FieldDefinition, FieldType } from './model.ts';

const field = (field_type: FieldType, validators: FieldDefinition['validators'] = {}): FieldDefinition => ({
  id: '1',
  api_key: 'v',
  label: 'V',
  field_type,
  validators,
  position: 1,
  hint: null,
  default_value: null,
  localized: false,
  appearance: { editor: 'x', parameters: {}, addons: [] },
});

const code = (type: FieldType, value: unknown): unknown => {
  try {
    validateValues([field(type)], { v: value }, null);
    return null;
  } catch (error) {
    if (error instanceof ApiProblem) return error.details.code;
    throw error;
  }
};

describe('value shapes of DatoCMS’s field types', () => {
  const cases: [FieldType, unknown[], unknown[]][] = [
    [
      'links',
      [[], ['1', '22'], Array.from({ length: 500 }, (_, i) => String(i + 1))],
      ['1', ['1', '1'], [1], ['01'], Array.from({ length: 501 }, (_, i) => String(i + 1))],
    ],
    ['slug', ['hello', 'hello-world', 'a_b-2'], ['Hello', 'hello--world', '-a', 'a-', 'a b', 'x'.repeat(201), 3]],
    [
      'color',
      [{ red: 0, green: 128, blue: 255, alpha: 255 }],
      [
        { red: 0, green: 0, blue: 0 },
        { red: 256, green: 0, blue: 0, alpha: 0 },
        { red: 1.5, green: 0, blue: 0, alpha: 0 },
        { red: 0, green: 0, blue: 0, alpha: 0, extra: 1 },
        '#fff',
      ],
    ],
    [
      'lat_lon',
      [
        { latitude: 45.5, longitude: -73.6 },
        { latitude: -90, longitude: 180 },
      ],
      [{ latitude: 91, longitude: 0 }, { latitude: 0 }, { latitude: 0, longitude: 0, z: 1 }, [45, 7], { latitude: '1', longitude: 2 }],
    ],
    [
      'seo',
      [{}, { title: 'T', description: 'D', image: '12', twitter_card: 'summary', no_index: true }, { title: null, twitter_card: null }],
      [{ title: 1 }, { twitter_card: 'large' }, { image: 'abc' }, { no_index: 'yes' }, { keywords: 'a' }, 'seo'],
    ],
  ];
  for (const [type, good, bad] of cases) {
    it(`${type}: takes its shape and refuses anything else`, () => {
      for (const value of good) expect(code(type, value), JSON.stringify(value)).toBeNull();
      for (const value of bad) expect(code(type, value), JSON.stringify(value)).toBe('VALIDATION_TYPE');
      for (const value of good) expect(conforms(type, value)).toBe(true);
    });
  }

  it('fills a default on create only, and requires what the required validator asks for', () => {
    const withDefault = { ...field('string'), default_value: 'x' };
    expect(validateValues([withDefault], {}, null)).toEqual({ v: 'x' });
    expect(validateValues([withDefault], {}, { v: null })).toEqual({ v: null });
    expect(() => validateValues([field('string', { required: {} })], {}, null)).toThrow(ApiProblem);
  });
});
