/**
 * fast-check arbitraries of *valid* values, derived from the contract's zod schemas (with hints from
 * field names for ids, emails and dates, which a schema alone cannot make real). The fuzzer mutates
 * these; whether a mutated request is still valid is decided by the same schemas (see fuzz-cases.ts).
 */
import fc from 'fast-check';
import {
  type ZodTypeAny,
  ZodArray,
  ZodBoolean,
  ZodDefault,
  ZodEffects,
  ZodEnum,
  ZodLiteral,
  ZodNullable,
  ZodNumber,
  ZodObject,
  ZodOptional,
  ZodRecord,
  ZodString,
  ZodUnion,
  ZodDiscriminatedUnion,
  ZodNativeEnum,
  ZodPipeline,
  ZodBranded,
  ZodLazy,
} from 'zod';
import { ITEM_TYPES } from '@keyledger/contract';

/** Real ids of the signed-in account's items, by what they are. */
export type RealIds = Record<string, string>;

/** The schema under optional/default/refinements/preprocess. */
export function unwrap(schema: ZodTypeAny): ZodTypeAny {
  let s = schema;
  for (;;) {
    if (s instanceof ZodOptional || s instanceof ZodNullable) s = s.unwrap();
    else if (s instanceof ZodDefault) s = s.removeDefault();
    else if (s instanceof ZodEffects) s = s.innerType();
    else if (s instanceof ZodPipeline) s = s._def.in;
    else if (s instanceof ZodBranded) s = s.unwrap();
    else if (s instanceof ZodLazy) s = s.schema;
    else return s;
  }
}

export const isOptional = (schema: ZodTypeAny) => schema.isOptional() || schema instanceof ZodDefault;

const stringChecks = (s: ZodString) => {
  const checks = s._def.checks;
  const find = <K extends string>(kind: K) => checks.find((c) => c.kind === kind) as { value?: number } | undefined;
  return {
    min: find('min')?.value ?? 0,
    max: find('max')?.value ?? find('length')?.value ?? 60,
    kinds: new Set(checks.map((c) => c.kind)),
  };
};

export const numberBounds = (s: ZodNumber) => {
  const checks = s._def.checks;
  const min = checks.find((c) => c.kind === 'min') as { value: number; inclusive: boolean } | undefined;
  const max = checks.find((c) => c.kind === 'max') as { value: number; inclusive: boolean } | undefined;
  return {
    int: checks.some((c) => c.kind === 'int'),
    min: min ? (min.inclusive ? min.value : min.value + 1) : undefined,
    max: max ? (max.inclusive ? max.value : max.value - 1) : undefined,
  };
};

const DATE_KEYS = /^(from|to|until|validUntil|.*At)$/;
const future = fc.integer({ min: 1, max: 3650 }).map((d) => new Date(Date.now() + d * 86_400_000).toISOString());
const pastDay = fc.integer({ min: 0, max: 3000 }).map((d) => new Date(Date.UTC(2020, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));

/** Words a person would type, within [min, max] characters. */
function text(min: number, max: number) {
  const hi = Math.max(min, Math.min(max, 40));
  return fc
    .string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789 -_'.split('')), minLength: Math.max(min, 1), maxLength: Math.max(hi, 1) })
    .map((s) => (s.trim().length >= min ? s.trim() || 'x' : 'x'.repeat(Math.max(min, 1))).slice(0, max));
}

/** A valid-looking search string for the audit log. */
export const searchString = (ids: RealIds) =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom('action:license_*', 'action:*_created', 'group:licenses', 'refund', '"late refund"', 'created:>=2026-01-01'),
        fc.constant(`item:license:${ids.license}`),
        fc.constant(`actor:${ids.adminEmail}`),
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map((tokens) => tokens.join(' '));

/** An arbitrary valid value of `schema`; `key` is the field's name, for hints. */
export function validValue(schema: ZodTypeAny, ids: RealIds, key = ''): fc.Arbitrary<unknown> {
  const s = unwrap(schema);
  if (s instanceof ZodString) {
    const { min, max, kinds } = stringChecks(s);
    if (kinds.has('uuid')) {
      const real = ids[key.replace(/Id$/, '')] ?? ids[key];
      return real ? fc.constant(real) : fc.uuid();
    }
    if (kinds.has('email')) return fc.uuid().map((u) => `fuzz-${u.slice(0, 8)}@buyer.test`);
    if (kinds.has('datetime') || DATE_KEYS.test(key)) return key === 'from' || key === 'to' ? pastDay : future;
    if (key === 'q') return searchString(ids);
    if (key === 'cursor') return fc.constant(undefined);
    if (key === 'licenseKey') return fc.constant(ids.licenseKey ?? 'AAAA-BBBB-CCCC-DDDD');
    if (key === 'itemType') return fc.constantFrom(...ITEM_TYPES);
    if (key === 'password') return fc.constant('fuzz-password-1');
    if (key === 'code' || key === 'name' || key === 'reference') return fc.uuid().map((u) => `fuzz-${u.slice(0, 8)}`);
    return text(min, max);
  }
  if (s instanceof ZodNumber) {
    const { int, min, max } = numberBounds(s);
    const lo = min ?? 0;
    const hi = max ?? lo + 1000;
    return int ? fc.integer({ min: lo, max: Math.min(hi, lo + 1000) }) : fc.double({ min: lo, max: Math.min(hi, lo + 1000), noNaN: true });
  }
  if (s instanceof ZodBoolean) return fc.boolean();
  if (s instanceof ZodEnum) return fc.constantFrom(...(s.options as string[]));
  if (s instanceof ZodNativeEnum) return fc.constantFrom(...Object.values(s.enum as Record<string, string>));
  if (s instanceof ZodLiteral) return fc.constant(s.value);
  if (s instanceof ZodArray) {
    const min = s._def.minLength?.value ?? 0;
    const max = Math.min(s._def.maxLength?.value ?? 3, min + 3);
    return fc.uniqueArray(validValue(s.element, ids, key), { minLength: min, maxLength: max, selector: (v) => JSON.stringify(v) });
  }
  if (s instanceof ZodObject) {
    const shape = s.shape as Record<string, ZodTypeAny>;
    const entries: Record<string, fc.Arbitrary<unknown>> = {};
    const required: string[] = [];
    for (const [k, field] of Object.entries(shape)) {
      entries[k] = validValue(field, ids, k);
      if (!isOptional(field)) required.push(k);
    }
    return fc.record(entries, { requiredKeys: required }).map((o) =>
      Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)),
    );
  }
  if (s instanceof ZodUnion || s instanceof ZodDiscriminatedUnion) {
    const options = [...(s.options as ZodTypeAny[])];
    return fc.oneof(...options.map((o) => validValue(o, ids, key)));
  }
  if (s instanceof ZodRecord) return fc.dictionary(text(1, 10), validValue(s.valueSchema, ids, key), { maxKeys: 3 });
  return fc.constant(null);
}
