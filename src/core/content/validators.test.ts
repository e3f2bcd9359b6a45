import { describe, expect, it } from 'vitest';
import { ApiProblem } from '../errors.ts';
import { checkValidators, checkValueAgainst, customPatternProblem, VALIDATOR_TYPES, type ValidatorContext } from './validators.ts';
import { FIELD_TYPES, type FieldType } from './model.ts';

const context: ValidatorContext = {
  itemTypeIds: new Set(['1', '2']),
  fields: new Map([
    ['10', 'string'],
    ['11', 'integer'],
  ]),
};

function refusal(run: () => unknown): { field: unknown; code: unknown; message: unknown } {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiProblem) return error.details as { field: unknown; code: unknown; message: unknown };
    throw error;
  }
  throw new Error('not refused');
}

describe('checkValidators', () => {
  it('takes each validator only on the field types DatoCMS allows it on', () => {
    const sample: Record<string, Record<string, unknown>> = {
      required: {},
      unique: {},
      length: { max: 3 },
      number_range: { min: 0 },
      format: { predefined_pattern: 'email' },
      enum: { values: ['a'] },
      item_item_type: { item_types: ['1'] },
      items_item_type: { item_types: ['1'] },
      size: { max: 2 },
      date_range: { min: '2026-01-01' },
      date_time_range: { max: '2026-01-01T00:00:00Z' },
      slug_format: { predefined_pattern: 'webpage_slug' },
      slug_title_field: { title_field_id: '10' },
    };
    for (const [name, params] of Object.entries(sample)) {
      for (const type of FIELD_TYPES) {
        const allowed = (VALIDATOR_TYPES[name as keyof typeof VALIDATOR_TYPES] as readonly FieldType[]).includes(type);
        const mandatory = type === 'link' ? { item_item_type: { item_types: ['1'] } } : type === 'links' ? { items_item_type: { item_types: ['1'] } } : {};
        const run = () => checkValidators(type, { ...mandatory, [name]: params }, context);
        if (allowed) expect(run(), `${name} on ${type}`).toMatchObject({ [name]: params });
        else expect(refusal(run), `${name} on ${type}`).toMatchObject({ field: `validators/${name}`, code: 'VALIDATION_INVALID_VALIDATOR' });
      }
    }
  });

  it('refuses malformed parameters, naming the validator', () => {
    const cases: [FieldType, Record<string, unknown>][] = [
      ['string', { required: { strict: true } }],
      ['string', { length: {} }],
      ['string', { length: { min: -1 } }],
      ['string', { length: { eq: 2, max: 3 } }],
      ['integer', { number_range: { min: 'a' } }],
      ['integer', { number_range: { min: 5, max: 1 } }],
      ['string', { format: { predefined_pattern: 'email', custom_pattern: 'a' } }],
      ['string', { format: { predefined_pattern: 'phone' } }],
      ['string', { enum: { values: [1] } }],
      ['link', { item_item_type: { item_types: ['3'] } }],
      ['link', { item_item_type: { item_types: ['1'], on_reference_delete_strategy: 'explode' } }],
      ['links', { items_item_type: { item_types: ['1'] }, size: { multiple_of: 0 } }],
      ['date', { date_range: { min: '2026-13-01' } }],
      ['slug', { slug_title_field: { title_field_id: '11' } }],
      ['string', { required: 'yes' }],
    ];
    for (const [type, validators] of cases) {
      const name = Object.keys(validators).at(-1)!;
      expect(
        refusal(() => checkValidators(type, validators, context)),
        JSON.stringify(validators),
      ).toMatchObject({ field: `validators/${name}`, code: 'VALIDATION_INVALID_VALIDATOR' });
    }
    expect(refusal(() => checkValidators('string', [], context))).toMatchObject({ field: 'validators' });
  });

  it('requires the model list on link fields, as DatoCMS does', () => {
    expect(refusal(() => checkValidators('link', {}, context))).toMatchObject({ field: 'validators/item_item_type' });
    expect(refusal(() => checkValidators('links', { size: { max: 1 } }, context))).toMatchObject({ field: 'validators/items_item_type' });
  });
});

describe('customPatternProblem', () => {
  it('accepts plain patterns', () => {
    for (const pattern of ['^[A-Z]{3}$', '^\\d+(-\\d+)?$', '^(abc|def)$', '[a-z]+@[a-z]+\\.com', '^(ab)+$'])
      expect(customPatternProblem(pattern), pattern).toBeNull();
  });

  it('refuses the shapes behind catastrophic backtracking, long patterns and invalid ones', () => {
    for (const pattern of ['(a+)+$', '(a*)*', '(a|a)*', '((ab)*c)+', '(x+x+)+y', '(a{1,5})+', '(a?)+'])
      expect(customPatternProblem(pattern), pattern).toMatch(/repeat a group/);
    expect(customPatternProblem('(a)\\1')).toMatch(/backreferences/);
    expect(customPatternProblem('(?=a)a')).toMatch(/lookarounds/);
    expect(customPatternProblem('a'.repeat(201))).toMatch(/200 characters/);
    expect(customPatternProblem('(')).toMatch(/not a valid/);
    expect(customPatternProblem('')).toMatch(/non-empty/);
  });
});

describe('checkValueAgainst', () => {
  const fails = (validators: Parameters<typeof checkValueAgainst>[1], value: unknown) => refusal(() => checkValueAgainst('f', validators, value)).code;

  it('judges each value validator with DatoCMS’s code', () => {
    expect(fails({ length: { min: 2 } }, 'a')).toBe('VALIDATION_LENGTH');
    expect(() => checkValueAgainst('f', { length: { min: 2, max: 2 } }, 'éé')).not.toThrow();
    expect(fails({ number_range: { max: 1 } }, 1.5)).toBe('VALIDATION_NUMBER_RANGE');
    expect(fails({ format: { predefined_pattern: 'email' } }, 'a@b')).toBe('VALIDATION_FORMAT');
    expect(fails({ format: { predefined_pattern: 'url' } }, 'javascript:alert(1)')).toBe('VALIDATION_FORMAT');
    expect(() => checkValueAgainst('f', { format: { predefined_pattern: 'url' } }, 'https://example.com/a')).not.toThrow();
    expect(fails({ enum: { values: ['a'] } }, 'b')).toBe('VALIDATION_ENUM');
    expect(fails({ size: { multiple_of: 2 } }, ['1'])).toBe('VALIDATION_SIZE');
    expect(fails({ date_time_range: { min: '2026-01-01T00:00:00Z' } }, '2025-12-31T23:59:59.000Z')).toBe('VALIDATION_DATE_TIME_RANGE');
    expect(fails({ slug_format: { custom_pattern: '^post-' } }, 'page-1')).toBe('VALIDATION_SLUG_FORMAT');
  });
});
