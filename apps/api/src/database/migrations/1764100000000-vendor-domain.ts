import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The vendor domain: permission templates, notification policies, customers, orders (and their
 * managers), licenses (their users and custom fields) and devices. Items are deleted softly
 * (deleted_at), so their pages and histories stay readable; sub-records (managers, license users,
 * custom fields) are removed outright: their removal is kept by the entry of the item they belong to.
 * Every list is keyset-paginated on (account_id, created_at DESC, id DESC).
 */
export class VendorDomain1764100000000 implements MigrationInterface {
  name = 'VendorDomain1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE permission_templates (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        name text NOT NULL,
        description text,
        permissions text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX permission_templates_name_key ON permission_templates (account_id, lower(name)) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX permission_templates_account_idx ON permission_templates (account_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX platform_users_template_idx ON platform_users (permission_template_id) WHERE permission_template_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE notification_policies (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        name text NOT NULL,
        event text NOT NULL,
        recipients text[] NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX notification_policies_account_idx ON notification_policies (account_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        email text NOT NULL,
        first_name text,
        last_name text,
        company text,
        phone text,
        reference text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX customers_email_key ON customers (account_id, email) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX customers_account_idx ON customers (account_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        customer_id uuid NOT NULL REFERENCES customers(id),
        reference text NOT NULL,
        is_trial boolean NOT NULL DEFAULT false,
        notes text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX orders_reference_key ON orders (account_id, lower(reference)) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX orders_account_idx ON orders (account_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX orders_customer_idx ON orders (customer_id) WHERE deleted_at IS NULL`);
    await q.query(`
      CREATE TABLE order_managers (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        order_id uuid NOT NULL REFERENCES orders(id),
        email text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (order_id, email)
      )`);

    // A license's customer is its order's (orders never change customer): kept here so its entries
    // can be linked to the customer without a lookup.
    await q.query(`
      CREATE TABLE licenses (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        order_id uuid NOT NULL REFERENCES orders(id),
        customer_id uuid NOT NULL REFERENCES customers(id),
        product_id uuid NOT NULL REFERENCES products(id),
        key text NOT NULL UNIQUE,
        type text NOT NULL CHECK (type IN ('perpetual', 'time_limited', 'consumption', 'subscription')),
        enabled boolean NOT NULL DEFAULT true,
        max_activations integer NOT NULL CHECK (max_activations > 0),
        valid_until timestamptz,
        max_consumptions integer,
        consumptions integer NOT NULL DEFAULT 0,
        features text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX licenses_account_idx ON licenses (account_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX licenses_order_idx ON licenses (order_id) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX licenses_product_idx ON licenses (product_id) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX licenses_customer_idx ON licenses (customer_id) WHERE deleted_at IS NULL`);
    await q.query(`
      CREATE TABLE license_users (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        license_id uuid NOT NULL REFERENCES licenses(id),
        email text NOT NULL,
        first_name text,
        last_name text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (license_id, email)
      )`);
    await q.query(`
      CREATE TABLE license_custom_fields (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        license_id uuid NOT NULL REFERENCES licenses(id),
        name text NOT NULL,
        value text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX license_custom_fields_name_key ON license_custom_fields (license_id, lower(name))`);

    // One row per machine a license was activated on; never deleted, so a blacklist outlives resets.
    await q.query(`
      CREATE TABLE devices (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        license_id uuid NOT NULL REFERENCES licenses(id),
        order_id uuid NOT NULL REFERENCES orders(id),
        customer_id uuid NOT NULL REFERENCES customers(id),
        product_id uuid NOT NULL REFERENCES products(id),
        hardware_id text NOT NULL,
        name text,
        os text,
        active boolean NOT NULL DEFAULT true,
        blacklisted boolean NOT NULL DEFAULT false,
        borrowed_until timestamptz,
        activated_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (license_id, hardware_id)
      )`);
    await q.query(`CREATE INDEX devices_license_idx ON devices (license_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'devices',
      'license_custom_fields',
      'license_users',
      'licenses',
      'order_managers',
      'orders',
      'customers',
      'notification_policies',
      'permission_templates',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`DROP INDEX platform_users_template_idx`);
  }
}
