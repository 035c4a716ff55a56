/**
 * The demo account's 90 days, told through the real services: staff set up permissions and
 * notifications, launch products, sell licenses; end users activate them (through the License API's
 * service) and report consumption; support resets, blacklists and lends devices; staff sign in and
 * out (now and then with a wrong password), an admin manages API keys, an auditor exports the log.
 * Every staff action goes through `act` (one audited unit of work, like an HTTP call) or, for the
 * access-and-security events that their services record themselves, `access`; the story only chooses
 * what happens next, with a seeded PRNG so every machine gets the same history.
 */
import { type AuditAction, type ItemType, type LicenseType, type Permission } from '@keyledger/contract';
import { type ApiKeysService } from '../api-keys/api-keys.service';
import { type SecurityEvents } from '../audit/security-events.service';
import { type AuthService } from '../auth/auth.service';
import { type ActivationsService } from '../devices/activations.service';
import { type AuditExportsService } from '../exports/audit-exports.service';
import { type DevicesService } from '../devices/devices.service';
import { ApiError } from '../common/errors';
import { type CustomersService } from '../customers/customers.service';
import { type LicenseCustomFieldsService } from '../licenses/license-custom-fields.service';
import { type LicenseUsersService } from '../licenses/license-users.service';
import { type LicenseEntity } from '../licenses/license.entity';
import { type LicensesService } from '../licenses/licenses.service';
import { type NotificationPoliciesService } from '../notification-policies/notification-policies.service';
import { type OrdersService } from '../orders/orders.service';
import { type PermissionTemplatesService } from '../permission-templates/permission-templates.service';
import { type PlatformUserEntity } from '../platform-users/platform-user.entity';
import { type PlatformUsersService } from '../platform-users/platform-users.service';
import { type ProductEntity } from '../products/product.entity';
import { type ProductsService } from '../products/products.service';

export interface DemoServices {
  users: PlatformUsersService;
  templates: PermissionTemplatesService;
  policies: NotificationPoliciesService;
  products: ProductsService;
  customers: CustomersService;
  orders: OrdersService;
  licenses: LicensesService;
  licenseUsers: LicenseUsersService;
  customFields: LicenseCustomFieldsService;
  devices: DevicesService;
  activations: ActivationsService;
  auth: AuthService;
  apiKeys: ApiKeysService;
  exports: AuditExportsService;
  security: SecurityEvents;
}

export type Actor = Pick<PlatformUserEntity, 'id' | 'name' | 'email' | 'accountId'>;

export interface DemoStage {
  services: DemoServices;
  random: () => number;
  /** The simulated time, moved forward by `advance`. */
  now: () => Date;
  advance: (minutes: number) => void;
  /** Act as this platform user from now on. */
  as: (actor: Actor) => void;
  /** One audited unit of work: the action, what it is done to (`id` unless it creates it), the work. */
  act: <T>(action: AuditAction, target: ItemType, id: string | undefined, work: () => Promise<T>) => Promise<T>;
  /** A step whose service records its own access-and-security entry (sign-in, API key, export…): clock, IP and browser moved as for `act`. */
  access: <T>(work: () => Promise<T>) => Promise<T>;
  /** The demo's own sign-up (the account's first admin). */
  admin: Actor;
  staffPassword: string;
}

const DAY_MINUTES = 24 * 60;
/** The address the story's sign-ins queue their password hashing under (AuthService's PasswordGate). */
const DEMO_ADDRESS = 'demo-seed';

const FIRST_NAMES = ['Ada', 'Ben', 'Chloe', 'Dmitri', 'Elif', 'Farah', 'Goran', 'Hana', 'Ivo', 'Jun', 'Kemal', 'Lena', 'Mateo', 'Nora', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Uma', 'Viktor', 'Wen', 'Yusuf', 'Zoe'];
const LAST_NAMES = ['Novak', 'Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Schmidt', 'Rossi', 'Kowalski', 'Haddad', 'Silva', 'Nguyen', 'Fischer', 'Petrov', 'Garcia', 'Byrne'];
const COMPANIES = ['Northwind', 'Globex', 'Initech', 'Umbrella Labs', 'Stark Design', 'Wayne Analytics', 'Tyrell Films', 'Cyberdyne', 'Soylent Foods', 'Hooli', 'Vandelay Imports', 'Wonka Studios', 'Aperture', 'Black Mesa', 'Massive Dynamic'];
const DEVICE_NAMES = ['Workstation', 'Laptop', 'Build server', 'Render node', 'MacBook Pro', 'Studio PC', 'CI runner', 'Design iMac'];
const OPERATING_SYSTEMS = ['Windows 11', 'macOS 15', 'Ubuntu 24.04', 'Debian 12', 'Windows Server 2022'];
const CUSTOM_FIELDS = ['Reseller', 'Support tier', 'PO number', 'Region', 'Cost center'];
const CUSTOM_VALUES = ['Gold', 'Silver', 'EMEA', 'APAC', 'Americas', 'PO-2291', 'PO-4410', 'Direct', 'CC-118'];

const TEMPLATES: Array<{ name: string; description: string; permissions: Permission[] }> = [
  {
    name: 'Support',
    description: 'First-line support: licenses and devices',
    permissions: ['customers:read', 'orders:read', 'licenses:read', 'licenses:write', 'devices:write', 'audit_log:read'],
  },
  {
    name: 'Sales',
    description: 'Customers, orders and new licenses',
    permissions: ['products:read', 'customers:read', 'customers:write', 'orders:read', 'orders:write', 'licenses:read', 'licenses:write'],
  },
  { name: 'Auditor', description: 'Reads and exports the audit log', permissions: ['audit_log:read', 'audit_log:export'] },
  { name: 'Contractors', description: 'Temporary access', permissions: ['products:read'] },
];

const PRODUCTS = [
  { name: 'Acme Studio', code: 'studio', features: ['export-pdf', 'cloud-sync', 'plugins', 'team-library'] },
  { name: 'Acme Render Farm', code: 'render', features: ['gpu', 'queue-priority', 'distributed'] },
  { name: 'Acme Analytics', code: 'analytics', features: ['dashboards', 'alerts', 'sso', 'api-access'] },
  { name: 'Acme Metered OCR', code: 'ocr', features: ['handwriting', 'tables'] },
  { name: 'Acme CLI', code: 'cli', features: [] },
];

/** Staff actions over `days`, about `events` things happening (a sale writes several entries; an activation none). */
export async function tellDemoStory(stage: DemoStage, days: number, events: number): Promise<void> {
  await new DemoStory(stage).tell(days, events);
}

/** What the story remembers of a device (the License API hands back its view, staff actions the entity). */
interface KnownDevice {
  id: string;
  licenseId: string;
  hardwareId: string;
  name: string | null;
  os: string | null;
  active: boolean;
  blacklisted: boolean;
  borrowedUntil: Date | null;
}

interface KnownOrder {
  id: string;
  customerId: string;
  isTrial: boolean;
  managers: string[];
}

class DemoStory {
  private readonly s: DemoServices;
  private staff!: { support: Actor[]; sales: Actor[]; admins: Actor[] };
  private products: ProductEntity[] = [];
  private customers: string[] = [];
  private orders: KnownOrder[] = [];
  private licenses = new Map<string, LicenseEntity>();
  private devices: KnownDevice[] = [];
  private licenseUsers = new Map<string, string[]>();
  private customFields = new Map<string, Array<{ id: string; name: string; value: string }>>();
  /** Active devices per license, counted once per event. */
  private activeDevices = new Map<string, number>();
  private sequence = 1000;
  private auditor!: Actor;

  constructor(private readonly stage: DemoStage) {
    this.s = stage.services;
  }

  private chance(p: number) {
    return this.stage.random() < p;
  }
  private int(min: number, max: number) {
    return min + Math.floor(this.stage.random() * (max - min + 1));
  }
  private pick<T>(list: readonly T[]): T | undefined {
    return list[Math.floor(this.stage.random() * list.length)];
  }
  private next() {
    return this.sequence++;
  }
  private inDays(days: number) {
    return new Date(this.stage.now().getTime() + days * 86_400_000);
  }
  private get everyone(): Actor[] {
    return [...new Set([...this.staff.support, ...this.staff.sales, ...this.staff.admins])];
  }
  private asOneOf(team: Actor[]) {
    this.stage.as(this.pick(team)!);
  }

  async tell(days: number, events: number): Promise<void> {
    const end = this.stage.now().getTime() + days * DAY_MINUTES * 60_000;
    await this.setUpTheAccount();
    await this.launchProducts();
    const gap = (end - this.stage.now().getTime()) / 60_000 / events;
    while (this.stage.now().getTime() < end) {
      this.stage.advance(gap * (0.2 + 1.6 * this.stage.random()));
      await this.nextEvent();
    }
    await this.wrapUp();
  }

  private async setUpTheAccount() {
    const { act, as, admin, staffPassword } = this.stage;
    const { templates, users, policies } = this.s;
    as(admin);
    const made = [];
    for (const t of TEMPLATES) made.push(await act('user_permission_template_created', 'permission_template', undefined, () => templates.create(t)));
    const [support, sales, auditor, contractors] = made as [(typeof made)[number], (typeof made)[number], (typeof made)[number], (typeof made)[number]];
    await act('user_permission_template_updated', 'permission_template', sales.id, () =>
      templates.update(sales.id, { description: 'Customers, orders and licenses; no settings' }),
    );
    await act('user_permission_template_permissions_set', 'permission_template', support.id, () =>
      templates.setPermissions(support.id, [...support.permissions, 'products:read']),
    );
    await act('user_permission_template_deleted', 'permission_template', contractors.id, () => templates.remove(contractors.id));

    const add = (name: string, email: string, template: { id: string } | null) => {
      this.stage.advance(this.int(20, 240));
      return act('platform_user_added', 'platform_user', undefined, () =>
        users.create({ email, name, password: staffPassword, isAdmin: template === null, permissionTemplateId: template?.id ?? null }),
      );
    };
    const ann = await add('Ann Support', 'ann@acme.test', support);
    const bob = await add('Bob Sales', 'bob@acme.test', sales);
    const cleo = await add('Cleo Ops', 'cleo@acme.test', null);
    const dana = await add('Dana Sales', 'dana@acme.test', sales);
    const eve = await add('Eve Auditor', 'eve@acme.test', auditor);
    const tom = await add('Tom Temp', 'tom@acme.test', support);
    await act('platform_user_updated', 'platform_user', cleo.id, () => users.update(cleo.id, { name: 'Cleo Operations' }));
    await act('platform_user_updated', 'platform_user', eve.id, () => users.update(eve.id, { name: 'Eve Auditor (external)' }));
    // Bob forgot his password: the admin sets it again (to the staff's demo password).
    await act('platform_user_updated', 'platform_user', bob.id, () => users.update(bob.id, { password: staffPassword }));
    this.stage.advance(DAY_MINUTES);
    await this.signIn(tom, 0);
    this.stage.advance(2 * DAY_MINUTES);
    as(admin);
    await act('platform_user_removed', 'platform_user', tom.id, () => users.remove(tom.id)); // ends Tom's session too
    this.staff = { support: [ann, cleo], sales: [bob, dana], admins: [admin, cleo] };
    this.auditor = eve;

    // Keys for the management API: one kept, one tried and revoked.
    const { apiKeys } = this.s;
    await this.stage.access(() => apiKeys.create({ name: 'CRM license sync', permissions: ['customers:read', 'orders:read', 'licenses:read'] }));
    const trial = await this.stage.access(() => apiKeys.create({ name: 'Billing prototype', permissions: ['orders:read'] }));
    this.stage.advance(this.int(60, 600));
    await this.stage.access(() => apiKeys.revoke(trial.id));

    const created = [];
    for (const p of [
      { name: 'Sales desk', event: 'order_created', recipients: ['sales@acme.test'] },
      { name: 'Expiring licenses', event: 'license_expiring', recipients: ['sales@acme.test', 'renewals@acme.test'] },
      { name: 'Activation limits', event: 'activation_limit_reached', recipients: ['support@acme.test'] },
      { name: 'Old alerts', event: 'license_disabled', recipients: ['alerts@acme.test'] },
    ] as const) {
      this.stage.advance(this.int(10, 300));
      created.push(await act('notification_policy_created', 'notification_policy', undefined, () => policies.create({ ...p, recipients: [...p.recipients], enabled: true })));
    }
    const [, expiring, , old] = created;
    await act('notification_policy_updated', 'notification_policy', expiring!.id, () => policies.update(expiring!.id, { recipients: ['renewals@acme.test'] }));
    await act('notification_policy_deleted', 'notification_policy', old!.id, () => policies.remove(old!.id));
  }

  private async launchProducts() {
    const { act, as } = this.stage;
    const { products } = this.s;
    as(this.staff.admins[1]!);
    for (const p of PRODUCTS) {
      this.stage.advance(this.int(30, 600));
      this.products.push(await act('product_created', 'product', undefined, () => products.create(p)));
    }
    const legacy = await act('product_created', 'product', undefined, () =>
      products.create({ name: 'Acme Legacy Suite', code: 'legacy', features: ['activation-v1'] }),
    );
    this.stage.advance(DAY_MINUTES);
    await act('product_archived', 'product', legacy.id, () => products.setArchived(legacy.id, true));
    await act('product_deleted', 'product', legacy.id, () => products.remove(legacy.id));
  }

  private liveLicenses(filter: (l: LicenseEntity) => boolean = () => true): LicenseEntity[] {
    return [...this.licenses.values()].filter((l) => !l.deletedAt && filter(l));
  }

  private isLive(licenseId: string) {
    return this.licenses.get(licenseId)?.deletedAt === null;
  }

  /** One thing happens: chosen by weight among what makes sense right now. */
  private async nextEvent() {
    this.activeDevices.clear();
    for (const d of this.devices) if (d.active) this.activeDevices.set(d.licenseId, (this.activeDevices.get(d.licenseId) ?? 0) + 1);
    const live = this.liveLicenses();
    const has = (n: number) => (n > 0 ? 1 : 0);
    const options: Array<[number, () => Promise<unknown>]> = [
      [this.customers.length < 8 ? 40 : 9, () => this.sell()],
      [has(this.customers.length) * 4, () => this.sellAgain()],
      [has(live.length) * 30, () => this.activate()],
      [has(live.length) * 8, () => this.consume()],
      [has(this.customers.length) * 4, () => this.updateCustomer()],
      [has(this.orders.length) * 3, () => this.updateOrder()],
      [has(this.orders.length) * 3, () => this.addManager()],
      [1, () => this.removeManager()],
      [has(live.length) * 5, () => this.updateLicense()],
      [has(live.length) * 3, () => this.toggleLicense()],
      [3, () => this.resetLicense()],
      [2, () => this.resetConsumption()],
      [has(live.length) * 4, () => this.assignUser()],
      [1, () => this.unassignUser()],
      [has(live.length) * 3, () => this.updateFeatures()],
      [has(live.length) * 3, () => this.createCustomField()],
      [3, () => this.changeCustomField()],
      [live.length > 30 ? 1 : 0, () => this.retireLicense()],
      [3, () => this.resetDevice()],
      [this.activeDevices.size > 20 ? 1 : 0, () => this.blacklistDevice()],
      [3, () => this.borrowDevice()],
      [2, () => this.releaseBorrow()],
      [1, () => this.tendProducts()],
      [0.4, () => this.tendSettings()],
      [1, () => this.signIn(this.pick(this.everyone)!, 0.15)],
      [0.1, () => this.refusedAttempt()],
    ];
    let roll = this.stage.random() * options.reduce((sum, [w]) => sum + w, 0);
    for (const [weight, event] of options) {
      roll -= weight;
      if (roll < 0) return event();
    }
  }

  private async sell() {
    this.asOneOf(this.staff.sales);
    const first = this.pick(FIRST_NAMES)!;
    const last = this.pick(LAST_NAMES)!;
    const company = this.chance(0.8) ? this.pick(COMPANIES)! : null;
    const n = this.next();
    const domain = company ? company.toLowerCase().replace(/[^a-z]/g, '') : 'mail';
    const customer = await this.stage.act('customer_created', 'customer', undefined, () =>
      this.s.customers.create({
        email: `${first}.${last}.${n}@${domain}.example`.toLowerCase(),
        firstName: first,
        lastName: last,
        company,
        reference: this.chance(0.5) ? `CRM-${n}` : null,
      }),
    );
    this.customers.push(customer.id);
    await this.placeOrder(customer.id);
  }

  private async sellAgain() {
    this.asOneOf(this.staff.sales);
    await this.placeOrder(this.pick(this.customers)!);
  }

  private async placeOrder(customerId: string) {
    const { act } = this.stage;
    this.stage.advance(this.int(2, 30));
    const order = await act('order_created', 'order', undefined, () =>
      this.s.orders.create({ reference: `ACME-${this.next()}`, customerId, isTrial: this.chance(0.2) }),
    );
    this.orders.push({ id: order.id, customerId, isTrial: order.isTrial, managers: [] });
    for (let i = this.int(1, 3); i > 0; i--) {
      const product = this.pick(this.products.filter((p) => p.status === 'active' && !p.archived));
      if (!product) break;
      const type: LicenseType = product.code === 'ocr' ? 'consumption' : this.pick(['perpetual', 'perpetual', 'time_limited', 'subscription'] as const)!;
      const expiring = type === 'time_limited' || type === 'subscription';
      this.stage.advance(this.int(1, 10));
      const license = await act('license_created', 'license', undefined, () =>
        this.s.licenses.create({
          orderId: order.id,
          productId: product.id,
          type,
          maxActivations: this.pick([1, 1, 2, 3, 5, 10])!,
          validUntil: expiring ? this.inDays(this.int(45, 400)).toISOString() : undefined,
          maxConsumptions: type === 'consumption' ? this.pick([1000, 5000, 20000]) : undefined,
          features: product.features.filter(() => this.chance(0.6)),
        }),
      );
      this.licenses.set(license.id, license);
    }
  }

  /** An end user activates a license on a machine (the License API: no entry). */
  private async activate() {
    const license = this.pick(
      this.liveLicenses((l) => l.enabled && (!l.validUntil || l.validUntil > this.stage.now()) && (this.activeDevices.get(l.id) ?? 0) < l.maxActivations),
    );
    if (!license) return;
    const known = this.chance(0.5) ? this.devices.find((d) => d.licenseId === license.id && !d.active && !d.blacklisted) : undefined;
    const { activation } = await this.s.activations.activate({
      licenseKey: license.key,
      hardwareId: known?.hardwareId ?? `HW-${this.next().toString(16).toUpperCase()}-${this.int(1000, 9999)}`,
      name: known?.name ?? this.pick(DEVICE_NAMES),
      os: known?.os ?? this.pick(OPERATING_SYSTEMS),
    });
    const { device } = activation;
    this.devices = this.devices.filter((d) => d.id !== device.id);
    this.devices.push({ ...device, borrowedUntil: null });
  }

  private async consume() {
    const license = this.pick(this.liveLicenses((l) => l.type === 'consumption' && l.enabled && (this.activeDevices.get(l.id) ?? 0) > 0));
    const device = license && this.devices.find((d) => d.licenseId === license.id && d.active);
    const amount = this.int(5, 120);
    if (!license || !device || license.consumptions + amount > (license.maxConsumptions ?? 0)) return;
    await this.s.activations.consume({ licenseKey: license.key, hardwareId: device.hardwareId, consumptions: amount });
    license.consumptions += amount;
  }

  private async updateCustomer() {
    this.asOneOf([...this.staff.sales, ...this.staff.support]);
    const id = this.pick(this.customers)!;
    const body = this.chance(0.5) ? { phone: `+1 555 ${this.next()}` } : { reference: `CRM-${this.next()}` };
    await this.stage.act('customer_updated', 'customer', id, () => this.s.customers.update(id, body));
  }

  private async updateOrder() {
    this.asOneOf(this.staff.sales);
    const order = this.pick(this.orders)!;
    const note = `${this.pick(['Paid by wire', 'Renewal quote', 'Reseller deal', 'Education discount'])} #${this.next()}`;
    const body = order.isTrial && this.chance(0.7) ? { isTrial: false } : { notes: note };
    order.isTrial = (await this.stage.act('order_updated', 'order', order.id, () => this.s.orders.update(order.id, body))).isTrial;
  }

  private async addManager() {
    this.asOneOf(this.staff.sales);
    const order = this.pick(this.orders.filter((o) => o.managers.length < 3));
    if (!order) return;
    const email = `${this.pick(['it', 'admin', 'procurement', 'licensing'])}-${this.next()}@buyer.example`;
    const updated = await this.stage.act('order_manager_added', 'order', order.id, async () => {
      await this.s.orders.addManager(order.id, email);
      return this.s.orders.view(await this.s.orders.get(order.id));
    });
    order.managers = updated.managers.map((m) => m.id);
  }

  private async removeManager() {
    const order = this.pick(this.orders.filter((o) => o.managers.length));
    if (!order) return;
    this.asOneOf(this.staff.sales);
    const managerId = order.managers.pop()!;
    await this.stage.act('order_manager_removed', 'order', order.id, () => this.s.orders.removeManager(order.id, managerId));
  }

  private async changeLicense(action: AuditAction, license: LicenseEntity, work: () => Promise<LicenseEntity>) {
    Object.assign(license, await this.stage.act(action, 'license', license.id, work));
  }

  private async updateLicense() {
    this.asOneOf([...this.staff.sales, ...this.staff.support]);
    const license = this.pick(this.liveLicenses())!;
    const expiring = license.type === 'time_limited' || license.type === 'subscription';
    const body = expiring && this.chance(0.5) ? { validUntil: this.inDays(this.int(200, 500)).toISOString() } : { maxActivations: license.maxActivations + this.int(1, 3) };
    await this.changeLicense('license_updated', license, () => this.s.licenses.update(license.id, body));
  }

  private async toggleLicense() {
    this.asOneOf(this.staff.support);
    const license = this.pick(this.liveLicenses())!;
    await this.changeLicense(license.enabled ? 'license_disabled' : 'license_enabled', license, () =>
      this.s.licenses.setEnabled(license.id, !license.enabled),
    );
  }

  private async resetLicense() {
    const license = this.pick(this.liveLicenses((l) => (this.activeDevices.get(l.id) ?? 0) > 0));
    if (!license) return;
    this.asOneOf(this.staff.support);
    await this.changeLicense('license_reset', license, () => this.s.devices.releaseAll(license.id));
    for (const d of this.devices) if (d.licenseId === license.id) Object.assign(d, { active: false, borrowedUntil: null });
  }

  private async resetConsumption() {
    const license = this.pick(this.liveLicenses((l) => l.type === 'consumption' && l.consumptions > 0));
    if (!license) return;
    this.asOneOf(this.staff.support);
    await this.changeLicense('license_consumption_reset', license, () => this.s.licenses.resetConsumption(license.id));
  }

  private async assignUser() {
    this.asOneOf([...this.staff.sales, ...this.staff.support]);
    const license = this.pick(this.liveLicenses())!;
    const first = this.pick(FIRST_NAMES)!;
    const email = `${first.toLowerCase()}.${this.next()}@users.example`;
    const view = await this.stage.act('license_user_assigned', 'license', license.id, async () =>
      this.s.licenses.view(await this.s.licenseUsers.assign(license.id, { email, firstName: first, lastName: this.pick(LAST_NAMES) })),
    );
    this.licenseUsers.set(license.id, view.users.map((u) => u.id));
  }

  private async unassignUser() {
    const licenseId = this.pick([...this.licenseUsers.keys()].filter((id) => this.licenseUsers.get(id)!.length && this.isLive(id)));
    if (!licenseId) return;
    this.asOneOf(this.staff.support);
    const userId = this.licenseUsers.get(licenseId)!.pop()!;
    await this.stage.act('license_user_unassigned', 'license', licenseId, () => this.s.licenseUsers.unassign(licenseId, userId));
  }

  private async updateFeatures() {
    const featuresOf = (l: LicenseEntity) => this.products.find((p) => p.id === l.productId)?.features ?? [];
    const license = this.pick(this.liveLicenses((l) => featuresOf(l).length > 0));
    if (!license) return;
    this.asOneOf(this.staff.sales);
    let features = featuresOf(license).filter(() => this.chance(0.5));
    if (features.join() === license.features.join()) features = license.features.length ? [] : [...featuresOf(license)];
    await this.changeLicense('license_features_updated', license, () => this.s.licenses.setFeatures(license.id, features));
  }

  private async createCustomField() {
    const license = this.pick(this.liveLicenses())!;
    const fields = this.customFields.get(license.id) ?? [];
    const name = this.pick(CUSTOM_FIELDS.filter((n) => !fields.some((f) => f.name === n)));
    if (!name) return;
    this.asOneOf(this.staff.sales);
    const value = this.pick(CUSTOM_VALUES)!;
    const view = await this.stage.act('license_custom_field_created', 'license', license.id, async () =>
      this.s.licenses.view(await this.s.customFields.create(license.id, { name, value })),
    );
    this.customFields.set(license.id, view.customFields.map(({ id, name, value }) => ({ id, name, value })));
  }

  private async changeCustomField() {
    const licenseId = this.pick([...this.customFields.keys()].filter((id) => this.customFields.get(id)!.length && this.isLive(id)));
    if (!licenseId) return;
    this.asOneOf(this.staff.sales);
    const fields = this.customFields.get(licenseId)!;
    const field = this.pick(fields)!;
    if (this.chance(0.25)) {
      await this.stage.act('license_custom_field_deleted', 'license', licenseId, () => this.s.customFields.remove(licenseId, field.id));
      fields.splice(fields.indexOf(field), 1);
    } else {
      const value = this.pick(CUSTOM_VALUES.filter((v) => v !== field.value))!;
      await this.stage.act('license_custom_field_updated', 'license', licenseId, () => this.s.customFields.update(licenseId, field.id, value));
      field.value = value;
    }
  }

  /** A refund: the license goes, and its order and customer when nothing else is left. */
  private async retireLicense() {
    const { act } = this.stage;
    this.asOneOf(this.staff.sales);
    const license = this.pick(this.liveLicenses())!;
    await this.changeLicense('license_deleted', license, async () => {
      await this.s.licenses.remove(license.id);
      return this.s.licenses.get(license.id);
    });
    if (this.liveLicenses((l) => l.orderId === license.orderId).length) return;
    await act('order_deleted', 'order', license.orderId, () => this.s.orders.remove(license.orderId));
    this.orders = this.orders.filter((o) => o.id !== license.orderId);
    if (this.orders.some((o) => o.customerId === license.customerId)) return;
    await act('customer_deleted', 'customer', license.customerId, () => this.s.customers.remove(license.customerId));
    this.customers = this.customers.filter((id) => id !== license.customerId);
  }

  private pickDevice(filter: (d: KnownDevice) => boolean) {
    return this.pick(this.devices.filter((d) => filter(d) && this.isLive(d.licenseId)));
  }

  private async changeDevice(action: AuditAction, device: KnownDevice, work: () => Promise<KnownDevice>) {
    this.asOneOf(this.staff.support);
    const { active, blacklisted, borrowedUntil } = await this.stage.act(action, 'device', device.id, work);
    Object.assign(device, { active, blacklisted, borrowedUntil });
  }

  private async resetDevice() {
    const device = this.pickDevice((d) => d.active);
    if (device) await this.changeDevice('device_reset', device, () => this.s.devices.reset(device.id));
  }

  private async blacklistDevice() {
    const device = this.pickDevice((d) => d.active);
    if (device) await this.changeDevice('device_blacklisted', device, () => this.s.devices.blacklist(device.id));
  }

  private async borrowDevice() {
    const device = this.pickDevice((d) => d.active && this.licenses.get(d.licenseId)!.enabled);
    if (!device) return;
    const validUntil = this.licenses.get(device.licenseId)!.validUntil;
    const until = new Date(Math.min(this.inDays(this.int(2, 21)).getTime(), (validUntil?.getTime() ?? Infinity) - 60_000));
    if (until <= this.stage.now()) return;
    await this.changeDevice('device_borrowed', device, () => this.s.devices.borrow(device.id, until.toISOString()));
  }

  private async releaseBorrow() {
    const device = this.pickDevice((d) => d.borrowedUntil !== null && d.borrowedUntil > this.stage.now());
    if (device) await this.changeDevice('device_borrow_released', device, () => this.s.devices.releaseBorrow(device.id));
  }

  private async tendProducts() {
    const { act } = this.stage;
    this.asOneOf(this.staff.admins);
    const product = this.pick(this.products)!;
    const roll = this.stage.random();
    let next: ProductEntity;
    if (roll < 0.5) {
      const version = Number(/ v(\d+)$/.exec(product.name)?.[1] ?? 1) + 1;
      const name = `${product.name.replace(/ v\d+$/, '')} v${version}`;
      next = await act('product_updated', 'product', product.id, () => this.s.products.update(product.id, { name }));
    } else if (roll < 0.75) {
      const status = product.status === 'active' ? 'inactive' : 'active';
      next = await act(status === 'active' ? 'product_activated' : 'product_deactivated', 'product', product.id, () =>
        this.s.products.setStatus(product.id, status),
      );
    } else {
      next = await act(product.archived ? 'product_unarchived' : 'product_archived', 'product', product.id, () =>
        this.s.products.setArchived(product.id, !product.archived),
      );
    }
    Object.assign(product, next);
  }

  private async tendSettings() {
    const { act } = this.stage;
    this.asOneOf(this.staff.admins);
    const policy = this.pick((await this.s.policies.list({ limit: 10 })).items);
    if (policy && this.chance(0.6)) {
      await act('notification_policy_updated', 'notification_policy', policy.id, () => this.s.policies.update(policy.id, { enabled: !policy.enabled }));
      return;
    }
    const template = this.pick((await this.s.templates.list({ limit: 10 })).items);
    const description = `Reviewed on ${this.stage.now().toISOString().slice(0, 10)}`;
    if (!template || template.description === description) return;
    await act('user_permission_template_updated', 'permission_template', template.id, () => this.s.templates.update(template.id, { description }));
  }

  /**
   * A staff member signs in (through AuthService, with its argon2 check), sometimes after a mistyped
   * password, and now and then signs out again instead of letting the session expire.
   */
  private async signIn(who: Actor, typo: number) {
    const { auth } = this.s;
    this.stage.as(who);
    if (this.chance(typo)) {
      await this.stage.access(() => auth.login({ email: who.email, password: `${this.stage.staffPassword}!` }, DEMO_ADDRESS).catch(() => undefined));
    }
    const issued = await this.stage.access(() => auth.login({ email: who.email, password: this.stage.staffPassword }, DEMO_ADDRESS));
    if (this.chance(0.3)) {
      this.stage.advance(this.int(20, 240));
      const live = await auth.resolve(issued.token);
      if (live) await this.stage.access(() => auth.logout(live.session.id));
    }
  }

  /** Someone tries what their template does not allow; the auth guard refuses it and records the refusal. */
  private async refusedAttempt() {
    const who = this.pick(this.staff.sales)!;
    this.stage.as(who);
    await this.stage.access(() =>
      this.s.security.permissionDenied(
        this.stage.admin.accountId,
        { type: 'platform_user', id: who.id, name: who.name, email: who.email },
        'POST /api/v1/products',
        'products:write',
      ),
    );
  }

  /** Leave every product sellable at the end: active, not archived; the auditor asks for this quarter's export. */
  private async wrapUp() {
    const { act } = this.stage;
    this.stage.as(this.auditor);
    await this.stage.access(() =>
      this.s.exports.create({ format: 'csv', filter: { q: 'group:licenses' } }).catch((err: unknown) => {
        // The export queue is Redis: without it the demo goes on without an export (as the API answers 503).
        if (err instanceof ApiError && err.getStatus() === 503) return undefined;
        throw err;
      }),
    );
    this.stage.as(this.stage.admin);
    for (const product of this.products) {
      if (product.status !== 'active') {
        Object.assign(product, await act('product_activated', 'product', product.id, () => this.s.products.setStatus(product.id, 'active')));
      }
      if (product.archived) {
        Object.assign(product, await act('product_unarchived', 'product', product.id, () => this.s.products.setArchived(product.id, false)));
      }
    }
  }
}
