/**
 * Marks an entity as something audit entries can be about or record changes of. The change
 * subscriber diffs such entities before/after a handler; the interceptor takes the target's label
 * and parents from here.
 */
import { type ItemType } from '@keyledger/contract';

export interface ParentRef {
  type: ItemType;
  id: string;
}

export interface AuditableOptions<T> {
  /** The item type (for items with their own page or history) or the name of a sub-record. */
  type: ItemType | string;
  /** The label snapshot stored with entries: a product's name, a customer's email… */
  label: (entity: T) => string;
  /** The item's parents, nearest first; an entry about it is linked to each of them. */
  parents?: (entity: T) => ParentRef[];
  /** Properties whose values never appear in an entry: property → the field name shown. */
  secrets?: Partial<Record<keyof T & string, string>>;
  /** Properties left out of `changes` (bookkeeping columns). */
  ignore?: Array<keyof T & string>;
  /**
   * Prefix for this record's fields when it is not the entry's target (e.g. "user" → "user.email"),
   * or a function of the record when several of its kind may change at once ("device.<name>").
   */
  fieldPrefix?: string | ((entity: T) => string);
}

/** An entity class, as TypeORM and the subscriber see it. */
export type EntityClass = new (...args: any[]) => unknown;

const REGISTRY = new Map<unknown, AuditableOptions<any>>();

export function Auditable<T>(options: AuditableOptions<T>) {
  return (target: new (...args: any[]) => T) => {
    REGISTRY.set(target, options);
  };
}

export function auditableOf(entityClass: unknown): AuditableOptions<any> | undefined {
  return typeof entityClass === 'function' ? REGISTRY.get(entityClass) : undefined;
}

export function auditableClassForType(type: string): EntityClass | undefined {
  for (const [cls, opts] of REGISTRY) if (opts.type === type) return cls as EntityClass;
  return undefined;
}
