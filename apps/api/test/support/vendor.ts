import { randomUUID } from 'node:crypto';
import { type Activation, type AuditEntry, type Customer, type ErrorBody, type License, type Order, type Product } from '@keyledger/contract';
import { type ApiClient, type Res } from './client';

const tag = () => randomUUID().slice(0, 8);

/** The call must answer one of `statuses`; its body, typed. */
export async function expectOk<T>(call: Promise<Res<T>>, statuses = [200, 201, 204]): Promise<T> {
  const res = await call;
  if (!statuses.includes(res.status)) throw new Error(`expected ${statuses.join('/')}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Builds a vendor's items over HTTP as its signed-in staff would (every call writes its entry). */
export class VendorFixtures {
  constructor(readonly api: ApiClient) {}

  product(overrides: Partial<{ name: string; code: string; features: string[] }> = {}) {
    const t = tag();
    return expectOk<Product>(this.api.post('/api/v1/products', { name: `Product ${t}`, code: `p-${t}`, features: ['sso', 'export', 'cloud'], ...overrides }));
  }

  customer(overrides: Record<string, unknown> = {}) {
    return expectOk<Customer>(this.api.post('/api/v1/customers', { email: `customer-${tag()}@buyer.test`, ...overrides }));
  }

  async order(customerId?: string, overrides: Record<string, unknown> = {}) {
    const customer = customerId ?? (await this.customer()).id;
    return expectOk<Order>(this.api.post('/api/v1/orders', { reference: `ORD-${tag()}`, customerId: customer, ...overrides }));
  }

  /** A license (perpetual, 3 activations unless told) in a new order for a new product, unless given. */
  async license(overrides: Record<string, unknown> & { orderId?: string; productId?: string } = {}) {
    const orderId = overrides.orderId ?? (await this.order()).id;
    const productId = overrides.productId ?? (await this.product()).id;
    return expectOk<License>(
      this.api.post('/api/v1/licenses', { type: 'perpetual', maxActivations: 3, ...overrides, orderId, productId }),
    );
  }

  /** Activates through the public License API (no session needed). */
  activate(licenseKey: string, hardwareId = `hw-${tag()}`, extra: Record<string, unknown> = {}) {
    return this.api.post<Activation & ErrorBody>('/api/v1/license-api/activations', { licenseKey, hardwareId, ...extra });
  }

  async device(licenseKey: string, hardwareId?: string) {
    return (await expectOk(this.activate(licenseKey, hardwareId, { name: 'Build server' }))).device;
  }

  async latestEntry(): Promise<AuditEntry> {
    const page = await expectOk<{ items: AuditEntry[] }>(this.api.get('/api/v1/audit-log?limit=1'));
    return page.items[0]!;
  }

  async history(resource: 'licenses' | 'orders' | 'customers' | 'products', id: string, query = '') {
    return expectOk<{ items: AuditEntry[]; nextCursor: string | null }>(this.api.get(`/api/v1/${resource}/${id}/audit-log${query}`));
  }
}
