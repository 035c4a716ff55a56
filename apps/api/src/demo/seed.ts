import { type INestApplication, Logger } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { randomBytes } from 'node:crypto';
import { PERMISSIONS } from '@keyledger/contract';
import { AccountsService } from '../accounts/accounts.service';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AuditedExecutor } from '../audit/audited-executor';
import { SecurityEvents } from '../audit/security-events.service';
import { AuthService } from '../auth/auth.service';
import { type Env } from '../config/env';
import { type RequestStore } from '../common/request-context';
import { CustomersService } from '../customers/customers.service';
import { ActivationsService } from '../devices/activations.service';
import { DevicesService } from '../devices/devices.service';
import { AuditExportsService } from '../exports/audit-exports.service';
import { LicenseCustomFieldsService } from '../licenses/license-custom-fields.service';
import { LicenseUsersService } from '../licenses/license-users.service';
import { LicensesService } from '../licenses/licenses.service';
import { NotificationPoliciesService } from '../notification-policies/notification-policies.service';
import { OrdersService } from '../orders/orders.service';
import { PermissionTemplatesService } from '../permission-templates/permission-templates.service';
import { PlatformUsersService } from '../platform-users/platform-users.service';
import { ProductsService } from '../products/products.service';
import { type Actor, type DemoServices, type DemoStage, tellDemoStory } from './demo-story';

export const DEMO_ACCOUNT = { name: 'Acme Software', slug: 'acme-software', adminEmail: 'admin@acme.test' };

/** How far back the demo history reaches, and about how many things happen in it (≈ 3,000 entries). */
export const DEMO_DAYS = 90;
export const DEMO_EVENTS = 4000;

const MINUTE = 60_000;

/** A small deterministic PRNG, so the demo history has the same shape on every machine. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

function services(app: INestApplication): DemoServices {
  return {
    users: app.get(PlatformUsersService),
    templates: app.get(PermissionTemplatesService),
    policies: app.get(NotificationPoliciesService),
    products: app.get(ProductsService),
    customers: app.get(CustomersService),
    orders: app.get(OrdersService),
    licenses: app.get(LicensesService),
    licenseUsers: app.get(LicenseUsersService),
    customFields: app.get(LicenseCustomFieldsService),
    devices: app.get(DevicesService),
    activations: app.get(ActivationsService),
    auth: app.get(AuthService),
    apiKeys: app.get(ApiKeysService),
    exports: app.get(AuditExportsService),
    security: app.get(SecurityEvents),
  };
}

/**
 * On an empty database: the Acme Software account, its staff, and a history produced by calling the
 * real services through the same audited path as HTTP (AuditedExecutor), with a simulated clock
 * (the request context's `now`) walking through the past DEMO_DAYS days. The sign-up runs as the owner
 * (no principal yet); every action after it runs behind row-level security in the demo account.
 */
export async function seedDemo(app: INestApplication, env: Env): Promise<string> {
  const logger = new Logger('DemoSeed');
  const accounts = app.get(AccountsService);
  const cls = app.get<ClsService<RequestStore>>(ClsService);
  if (await cls.run(() => accounts.findBySlug(DEMO_ACCOUNT.slug))) {
    return env.DEMO_ADMIN_PASSWORD
      ? `sign in as ${DEMO_ACCOUNT.adminEmail} with DEMO_ADMIN_PASSWORD`
      : `sign in as ${DEMO_ACCOUNT.adminEmail} with the password printed when the demo account was created ` +
          '(or drop the database and start again with DEMO_ADMIN_PASSWORD set to choose one)';
  }

  const started = Date.now();
  const password = env.DEMO_ADMIN_PASSWORD ?? `demo-${randomBytes(9).toString('base64url')}1`;
  const executor = app.get(AuditedExecutor);
  const random = rng(42);
  let clock = started - DEMO_DAYS * 24 * 60 * MINUTE;
  let entries = 0;

  await cls.run(async () => {
    const advance = (minutes: number) => {
      clock = Math.min(clock + minutes * MINUTE, Date.now() - 1000);
      cls.set('now', new Date(clock));
    };
    /** One request's worth of context: a moment later, from one of the office's addresses and browsers. */
    const visit = () => {
      advance(0.2 + random() * 3);
      cls.set('ip', `10.0.${1 + Math.floor(random() * 4)}.${1 + Math.floor(random() * 40)}`);
      cls.set('userAgent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36');
      entries++;
    };
    advance(0);
    const { session } = await app.get(AuthService).signup(
      { accountName: DEMO_ACCOUNT.name, name: 'Alex Admin', email: DEMO_ACCOUNT.adminEmail, password },
      { ip: '127.0.0.1', userAgent: 'keyledger-demo-seed' },
    );
    const stage: DemoStage = {
      services: services(app),
      random,
      now: () => new Date(clock),
      advance,
      as: (actor: Actor) =>
        cls.set('principal', {
          accountId: session.account.id,
          userId: actor.id,
          sessionId: null,
          actor: { type: 'platform_user', id: actor.id, name: actor.name, email: actor.email },
          permissions: new Set(PERMISSIONS),
          source: 'ui',
        }),
      act: (action, target, id, work) => {
        visit();
        return executor.run(action, { target }, id ? { id } : {}, work);
      },
      access: (work) => {
        visit();
        return work();
      },
      admin: session.user,
      staffPassword: password,
    };
    await tellDemoStory(stage, DEMO_DAYS, DEMO_EVENTS);
  });

  const took = `${entries} audited actions in ${((Date.now() - started) / 1000).toFixed(1)} s`;
  const staff = 'staff ann@, bob@, cleo@, dana@ and eve@acme.test use the same password';
  logger.log(
    env.DEMO_ADMIN_PASSWORD
      ? `Demo account "${DEMO_ACCOUNT.name}" created (${took}): sign in as ${DEMO_ACCOUNT.adminEmail} with DEMO_ADMIN_PASSWORD; ${staff}`
      : `Demo account "${DEMO_ACCOUNT.name}" created (${took}): sign in as ${DEMO_ACCOUNT.adminEmail} with password ${password} (shown once; set DEMO_ADMIN_PASSWORD to choose it); ${staff}`,
  );
  return env.DEMO_ADMIN_PASSWORD
    ? `sign in as ${DEMO_ACCOUNT.adminEmail} with DEMO_ADMIN_PASSWORD`
    : `sign in as ${DEMO_ACCOUNT.adminEmail} with password ${password} (shown once)`;
}
