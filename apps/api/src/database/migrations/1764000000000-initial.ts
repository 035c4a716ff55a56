import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Accounts, platform users, sessions, products and the audit log.
 * audit_entries is append-only: triggers refuse UPDATE, DELETE and TRUNCATE.
 */
export class Initial1764000000000 implements MigrationInterface {
  name = 'Initial1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        slug text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE platform_users (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        email text NOT NULL,
        name text NOT NULL,
        password_hash text NOT NULL,
        is_admin boolean NOT NULL DEFAULT false,
        permission_template_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX platform_users_email_key ON platform_users (email) WHERE removed_at IS NULL`);
    await q.query(`CREATE INDEX platform_users_account_idx ON platform_users (account_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        token_hash text NOT NULL UNIQUE,
        csrf_token text NOT NULL,
        user_id uuid NOT NULL REFERENCES platform_users(id),
        account_id uuid NOT NULL REFERENCES accounts(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX sessions_user_idx ON sessions (user_id)`);
    await q.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        name text NOT NULL,
        code text NOT NULL,
        features text[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
        archived boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX products_code_key ON products (account_id, lower(code)) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX products_account_idx ON products (account_id, created_at DESC, id DESC)`);

    // The head of each account's audit chain: the row lock taken by "UPDATE … last_seq + 1" orders
    // an account's entries, so seq has no gaps (a rolled-back transaction gives its number back).
    await q.query(`
      CREATE TABLE audit_heads (
        account_id uuid PRIMARY KEY REFERENCES accounts(id),
        last_seq bigint NOT NULL DEFAULT 0,
        last_hash text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE audit_entries (
        account_id uuid NOT NULL,
        seq bigint NOT NULL,
        id uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        action text NOT NULL CONSTRAINT audit_entries_action_check CHECK (action IN ('platform_user_added', 'platform_user_updated', 'platform_user_removed', 'user_permission_template_created', 'user_permission_template_updated', 'user_permission_template_permissions_set', 'user_permission_template_deleted', 'notification_policy_created', 'notification_policy_updated', 'notification_policy_deleted', 'product_created', 'product_updated', 'product_activated', 'product_deactivated', 'product_archived', 'product_unarchived', 'product_deleted', 'customer_created', 'customer_updated', 'customer_deleted', 'order_created', 'order_updated', 'order_manager_added', 'order_manager_removed', 'order_deleted', 'license_created', 'license_updated', 'license_reset', 'license_disabled', 'license_enabled', 'license_consumption_reset', 'license_user_assigned', 'license_user_unassigned', 'license_features_updated', 'license_deleted', 'license_custom_field_created', 'license_custom_field_updated', 'license_custom_field_deleted', 'device_reset', 'device_blacklisted', 'device_borrowed', 'device_borrow_released')),
        actor_type text NOT NULL CHECK (actor_type IN ('platform_user', 'api_key', 'system')),
        actor_id text,
        actor_name text NOT NULL,
        actor_email text,
        target_type text NOT NULL,
        target_id uuid NOT NULL,
        target_label text NOT NULL,
        links jsonb NOT NULL,
        changes jsonb NOT NULL,
        request_id text,
        ip text,
        user_agent text,
        source text NOT NULL,
        search_text text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (account_id, seq)
      )`);
    await q.query(`CREATE INDEX audit_entries_action_idx ON audit_entries (account_id, action, seq DESC)`);
    await q.query(`CREATE INDEX audit_entries_actor_idx ON audit_entries (account_id, actor_email, seq DESC)`);
    await q.query(`CREATE INDEX audit_entries_time_idx ON audit_entries (account_id, occurred_at DESC)`);
    await q.query(`CREATE INDEX audit_entries_search_idx ON audit_entries USING gin (search_text gin_trgm_ops)`);
    await q.query(`
      CREATE TABLE audit_entry_links (
        account_id uuid NOT NULL,
        item_type text NOT NULL,
        item_id uuid NOT NULL,
        seq bigint NOT NULL,
        is_target boolean NOT NULL,
        PRIMARY KEY (account_id, item_type, item_id, seq)
      )`);
    await q.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_entries', 'audit_entry_links']) {
      await q.query(`CREATE TRIGGER ${table}_no_update_delete BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
    }
  }

  async down(): Promise<void> {
    throw new Error('The initial migration cannot be reverted: the audit log is kept indefinitely.');
  }
}
