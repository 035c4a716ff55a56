import { type FieldChange } from '@keyledger/contract';
import { type EntityMetadata } from 'typeorm';
import { type AuditableOptions } from './auditable';

const ALWAYS_IGNORED = new Set(['id', 'accountId', 'createdAt', 'updatedAt']);
export const REDACTED = '[redacted]';

type Values = Record<string, unknown>;

interface Tracked {
  type: string;
  id: string;
  options: AuditableOptions<any>;
  metadata: EntityMetadata;
  entity: any;
  before: Values | null;
  written: 'inserted' | 'updated' | 'removed' | null;
}

/** A JSON-safe copy of a column value, comparable with JSON.stringify. */
function normalize(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object') return JSON.parse(JSON.stringify(value));
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function fieldPrefixOf(t: Tracked): string {
  const prefix = t.options.fieldPrefix;
  return typeof prefix === 'function' ? prefix(t.entity) : (prefix ?? t.type);
}

function columnValues(metadata: EntityMetadata, entity: any): Values {
  const out: Values = {};
  for (const col of metadata.columns) out[col.propertyName] = normalize(col.getEntityValue(entity));
  return out;
}

/**
 * Per audited request: every auditable entity loaded (with its state when first loaded) and every
 * one written. From these the interceptor finds the target and computes field-level changes, so no
 * endpoint writes its diff by hand.
 */
export class ChangeRecorder {
  private readonly items = new Map<string, Tracked>();

  private key(type: string, id: string) {
    return `${type}:${id}`;
  }

  loaded(options: AuditableOptions<any>, metadata: EntityMetadata, entity: any): void {
    const id = String(entity.id);
    const k = this.key(options.type, id);
    const existing = this.items.get(k);
    if (existing) {
      if (!existing.written) existing.entity = entity;
      return;
    }
    this.items.set(k, {
      type: options.type,
      id,
      options,
      metadata,
      entity,
      before: columnValues(metadata, entity),
      written: null,
    });
  }

  written(
    options: AuditableOptions<any>,
    metadata: EntityMetadata,
    entity: any,
    kind: 'inserted' | 'updated' | 'removed',
    id?: string,
  ): void {
    const entityId = String(id ?? entity.id);
    const k = this.key(options.type, entityId);
    const existing = this.items.get(k);
    if (existing) {
      existing.entity = entity;
      existing.written = existing.written === 'inserted' && kind === 'updated' ? 'inserted' : kind;
      return;
    }
    this.items.set(k, { type: options.type, id: entityId, options, metadata, entity, before: null, written: kind });
  }

  find(type: string, id?: string): { entity: any; options: AuditableOptions<any> } | undefined {
    if (id) {
      const t = this.items.get(this.key(type, id));
      return t && { entity: t.entity, options: t.options };
    }
    const all = [...this.items.values()].filter((t) => t.type === type);
    const t = all.find((x) => x.written) ?? all[0];
    return t && { entity: t.entity, options: t.options };
  }

  /** Field-level changes of everything written; the target's fields bare, others prefixed. */
  changes(target: { type: string; id: string }): FieldChange[] {
    const out: FieldChange[] = [];
    const tracked = [...this.items.values()].filter((t) => t.written);
    tracked.sort((a, b) => Number(b.type === target.type && b.id === target.id) - Number(a.type === target.type && a.id === target.id));
    for (const t of tracked) {
      const isTarget = t.type === target.type && t.id === target.id;
      const before = t.written === 'inserted' ? null : t.before;
      const after = t.written === 'removed' ? null : columnValues(t.metadata, t.entity);
      const ignore = new Set<string>([...ALWAYS_IGNORED, ...((t.options.ignore as string[] | undefined) ?? [])]);
      const secrets = (t.options.secrets ?? {}) as Record<string, string>;
      const prefix = isTarget ? '' : `${fieldPrefixOf(t)}.`;
      const props = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
      for (const prop of props) {
        if (ignore.has(prop)) continue;
        const b = before ? (before[prop] ?? null) : null;
        const a = after ? (after[prop] ?? null) : null;
        if (JSON.stringify(b) === JSON.stringify(a)) continue;
        const secretName = secrets[prop];
        if (secretName) {
          out.push({ field: prefix + secretName, before: b === null ? null : REDACTED, after: a === null ? null : REDACTED });
        } else {
          out.push({ field: prefix + prop, before: b, after: a });
        }
      }
    }
    return out;
  }
}
