import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Free-text search behind the row-level security wall: `LIKE` (pg_catalog.textlike) becomes LEAKPROOF.
 *
 * Why: under RLS, PostgreSQL evaluates the policy before any condition whose function is not leakproof,
 * so such a condition can neither be an index condition nor use the column's statistics. Since every
 * signed-in read runs as `keyledger_tenant` (TenantReadInterceptor), `GET /audit-log?text=…`
 * (`e.search_text LIKE '%…%'`) lost its trigram index and its row estimates: 0.3 ms → 2.1 s for a rare
 * term over 2,000,000 entries, 0.2 ms → 117 ms (parallel plan + JIT) for a common one. Every other
 * operator of the hot reads (=, <, >=, = ANY on uuid, text, bigint, timestamptz) is leakproof already,
 * so their plans do not change behind the wall (docs/queries/*-rls.md).
 *
 * Why it is safe: textlike returns a boolean and raises only for a malformed pattern (one ending in the
 * escape character). Our pattern is the caller's own parameter, never a column; the remaining side
 * channel (SQL that uses another row's column as the pattern) needs arbitrary SQL as the tenant role,
 * which only the application composes. ILIKE is left alone (no index serves it).
 *
 * Only a superuser may mark a function LEAKPROOF. Migrating as another role leaves it unchanged with a
 * warning: text search then still works, behind the wall, but without its index (run the ALTER once as
 * a superuser).
 */
export class LeakproofLike1764740000000 implements MigrationInterface {
  name = 'LeakproofLike1764740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          ALTER FUNCTION pg_catalog.textlike(text, text) LEAKPROOF;
        ELSE
          RAISE WARNING 'Not a superuser: run "ALTER FUNCTION pg_catalog.textlike(text, text) LEAKPROOF" once as one, or free-text search behind row-level security cannot use its index';
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          ALTER FUNCTION pg_catalog.textlike(text, text) NOT LEAKPROOF;
        END IF;
      END $$`);
  }
}
