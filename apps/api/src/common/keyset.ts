import { type SelectQueryBuilder } from 'typeorm';
import { type CreatedCursor, decodeCursor, encodeCursor, isCreatedCursor } from './cursor';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * One page of an item list, newest first: keyset on (created_at, id) of the query's main alias, so
 * a page is as fast at the end of the list as at its start and no row is skipped or repeated.
 */
export async function newestFirstPage<E extends { id: string; createdAt: Date }>(
  qb: SelectQueryBuilder<E>,
  query: { limit: number; cursor?: string },
): Promise<Page<E>> {
  const a = qb.alias;
  const cursor = decodeCursor<CreatedCursor>(query.cursor, isCreatedCursor);
  if (cursor) qb.andWhere(`(${a}.created_at, ${a}.id) < (:cursorT, :cursorId)`, { cursorT: cursor.t, cursorId: cursor.id });
  const rows = await qb
    .orderBy(`${a}.created_at`, 'DESC')
    .addOrderBy(`${a}.id`, 'DESC')
    .limit(query.limit + 1)
    .getMany();
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > query.limit && last ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id }) : null,
  };
}

export function mapPage<E, D>(page: Page<E>, toDto: (e: E) => D): Page<D> {
  return { items: page.items.map(toDto), nextCursor: page.nextCursor };
}

/** A user's text for ILIKE '%…%', with LIKE's wildcards taken literally. */
export const containsPattern = (s: string) => `%${s.replace(/[\\%_]/g, '\\$&')}%`;
