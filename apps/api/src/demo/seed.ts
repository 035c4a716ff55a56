import { type INestApplication, Logger } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { randomBytes } from 'node:crypto';
import { PERMISSIONS, type AuditAction, type ItemType } from '@keyledger/contract';
import { AccountsService } from '../accounts/accounts.service';
import { AuditedExecutor } from '../audit/audited-executor';
import { AuthService } from '../auth/auth.service';
import { type Env } from '../config/env';
import { type RequestStore } from '../common/request-context';
import { PlatformUsersService } from '../platform-users/platform-users.service';
import { ProductsService } from '../products/products.service';
import { type PlatformUserEntity } from '../platform-users/platform-user.entity';

export const DEMO_ACCOUNT = { name: 'Acme Software', slug: 'acme-software', adminEmail: 'admin@acme.test' };

const DAY = 86_400_000;

/** A small deterministic PRNG, so the demo history is the same on every machine. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

/**
 * On an empty database: the Acme Software account, its admin, and a history produced by calling the
 * real services through the same audited path as HTTP, with a simulated clock over the past 90 days.
 */
export async function seedDemo(app: INestApplication, env: Env): Promise<void> {
  const logger = new Logger('DemoSeed');
  const accounts = app.get(AccountsService);
  const cls = app.get<ClsService<RequestStore>>(ClsService);
  const exists = await cls.run(() => accounts.findBySlug(DEMO_ACCOUNT.slug));
  if (exists) return;

  const password = env.DEMO_ADMIN_PASSWORD ?? `demo-${randomBytes(9).toString('base64url')}1`;
  const auth = app.get(AuthService);
  const executor = app.get(AuditedExecutor);
  const users = app.get(PlatformUsersService);
  const products = app.get(ProductsService);
  const random = rng(42);
  const start = Date.now() - 90 * DAY;
  let clock = start;
  const tick = (maxHours: number) => {
    clock += Math.floor(random() * maxHours * 3_600_000) + 60_000;
    return new Date(Math.min(clock, Date.now() - 60_000));
  };

  await cls.run(async () => {
    cls.set('now', new Date(start));
    const { session } = await auth.signup(
      { accountName: DEMO_ACCOUNT.name, name: 'Alex Admin', email: DEMO_ACCOUNT.adminEmail, password },
      { ip: '127.0.0.1', userAgent: 'keyledger-demo-seed' },
    );
    const as = (user: { id: string; name: string; email: string }) =>
      cls.set('principal', {
        accountId: session.account.id,
        userId: user.id,
        sessionId: null,
        actor: { type: 'platform_user', id: user.id, name: user.name, email: user.email },
        permissions: new Set(PERMISSIONS),
        source: 'ui',
      });
    const act = <T>(action: AuditAction, target: ItemType, id: string | undefined, work: () => Promise<T>) => {
      cls.set('now', tick(30));
      cls.set('ip', `10.0.0.${1 + Math.floor(random() * 40)}`);
      cls.set('userAgent', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0');
      return executor.run(action, { target }, id ? { id } : {}, work);
    };

    as(session.user);
    const staff: PlatformUserEntity[] = [];
    for (const [name, email] of [
      ['Ann Support', 'ann@acme.test'],
      ['Bob Sales', 'bob@acme.test'],
      ['Cleo Ops', 'cleo@acme.test'],
    ] as const) {
      staff.push(
        await act('platform_user_added', 'platform_user', undefined, () =>
          users.create({ email, name, password: `${password}-${name.length}`, isAdmin: true }),
        ),
      );
    }
    const actors = [session.user, ...staff];
    const catalog = [
      { name: 'Acme Studio', code: 'studio', features: ['export-pdf', 'cloud-sync', 'plugins'] },
      { name: 'Acme Render Farm', code: 'render', features: ['gpu', 'queue-priority'] },
      { name: 'Acme Analytics', code: 'analytics', features: ['dashboards', 'alerts', 'sso'] },
      { name: 'Acme CLI', code: 'cli', features: [] },
    ];
    const created = [];
    for (const p of catalog) {
      as(actors[Math.floor(random() * actors.length)]!);
      created.push(await act('product_created', 'product', undefined, () => products.create(p)));
    }
    for (let i = 0; i < 40; i++) {
      const product = created[Math.floor(random() * created.length)]!;
      as(actors[Math.floor(random() * actors.length)]!);
      const current = await products.get(product.id);
      if (current.deletedAt) continue;
      const roll = random();
      if (roll < 0.5) {
        await act('product_updated', 'product', product.id, () =>
          products.update(product.id, { name: `${current.name.replace(/ v\d+$/, '')} v${i + 2}` }),
        );
      } else if (roll < 0.7) {
        const status = current.status === 'active' ? 'inactive' : 'active';
        await act(status === 'active' ? 'product_activated' : 'product_deactivated', 'product', product.id, () =>
          products.setStatus(product.id, status),
        );
      } else {
        await act(current.archived ? 'product_unarchived' : 'product_archived', 'product', product.id, () =>
          products.setArchived(product.id, !current.archived),
        );
      }
    }
    as(session.user);
    await act('platform_user_updated', 'platform_user', staff[2]!.id, () => users.update(staff[2]!.id, { name: 'Cleo Operations' }));
    const legacy = await act('product_created', 'product', undefined, () =>
      products.create({ name: 'Acme Legacy Suite', code: 'legacy', features: ['activation-v1'] }),
    );
    await act('product_deleted', 'product', legacy.id, () => products.remove(legacy.id));
  });

  logger.log(
    env.DEMO_ADMIN_PASSWORD
      ? `Demo account "${DEMO_ACCOUNT.name}" created: sign in as ${DEMO_ACCOUNT.adminEmail} with DEMO_ADMIN_PASSWORD`
      : `Demo account "${DEMO_ACCOUNT.name}" created: sign in as ${DEMO_ACCOUNT.adminEmail} with password ${password} (shown once; set DEMO_ADMIN_PASSWORD to choose it)`,
  );
}
