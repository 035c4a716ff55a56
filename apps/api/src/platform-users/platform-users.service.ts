import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { In, IsNull } from 'typeorm';
import { type CreatePlatformUserBody, type Permission, type UpdatePlatformUserBody } from '@keyledger/contract';
import { SecurityEvents } from '../audit/security-events.service';
import { assertCanAssignTemplate, assertOutranks, refused, type UserAct } from '../auth/grants';
import { PasswordHasher } from '../auth/password-hasher';
import { permissionsOf } from '../auth/permissions';
import { revokeSessions } from '../auth/session-revocation';
import { conflict, isUniqueViolation, notFound } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { mapPage, newestFirstPage } from '../common/keyset';
import { currentAccountId, now, requirePrincipal } from '../common/request-context';
import { PermissionTemplatesService } from '../permission-templates/permission-templates.service';
import { PlatformUserEntity } from './platform-user.entity';
import { toPlatformUserDto } from './platform-users.mapper';

const EMAIL_TAKEN = 'email: a user with this email already exists';

/** Who is acting, as far as granting goes: an admin (a signed-in user, never an API key) and what they hold. */
interface Caller {
  userId: string | null;
  /** For an API key, the user it acts for (its creator): their credentials are the key's own, not its to change. */
  keyCreatorId: string | null;
  isAdmin: boolean;
  permissions: ReadonlySet<Permission>;
}

/**
 * Passwords are set by people, signed in: an API key sets none (creating a user needs one). Else a
 * key could make a user with a password it knows, sign in as them and mint keys of its own, which
 * would outlive the key, its revocation and its creator's removal.
 */
function assertSetsNoPassword(caller: Caller, field: string): void {
  if (caller.userId === null) {
    throw refused(field, 'an API key cannot set a password: a signed-in user creates users and sets their passwords');
  }
}

@Injectable()
export class PlatformUsersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly templates: PermissionTemplatesService,
    private readonly security: SecurityEvents,
    private readonly passwords: PasswordHasher,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(PlatformUserEntity);
  }

  async list(query: { limit: number; cursor?: string }) {
    const qb = this.repo.createQueryBuilder('u').where('u.account_id = :a AND u.removed_at IS NULL', { a: currentAccountId() });
    return mapPage(await newestFirstPage(qb, query), toPlatformUserDto);
  }

  async get(id: string): Promise<PlatformUserEntity> {
    const user = await this.repo.findOne({ where: { id, accountId: currentAccountId(), removedAt: IsNull() } });
    if (!user) throw notFound('Platform user');
    return user;
  }

  /**
   * What each of these users holds now (admins all, others their template's), for API keys acting for
   * their creators; a removed user, or an id that is not a platform user of the account, is absent.
   * Called by the auth guard before any principal exists: the account is given, not taken from context.
   */
  async currentPermissions(accountId: string, userIds: readonly string[]): Promise<Map<string, ReadonlySet<Permission>>> {
    const out = new Map<string, ReadonlySet<Permission>>();
    const ids = [...new Set(userIds)];
    if (!ids.length) return out;
    const users = await this.repo.find({ where: { id: In(ids), accountId, removedAt: IsNull() } });
    const granted = new Map<string, Permission[]>();
    for (const u of users) {
      const templateId = u.isAdmin ? null : u.permissionTemplateId;
      if (templateId && !granted.has(templateId)) granted.set(templateId, await this.templates.permissionsGranted(templateId, accountId));
      out.set(u.id, permissionsOf(u, templateId ? granted.get(templateId) : undefined));
    }
    return out;
  }

  /**
   * Only an admin may create an admin; anyone else may give the new user only a template within
   * what they hold themselves. Every refusal comes before anything is written.
   */
  async create(body: CreatePlatformUserBody): Promise<PlatformUserEntity> {
    const caller = await this.caller();
    if (body.isAdmin) {
      if (!caller.isAdmin) throw refused('isAdmin', 'only an admin can make a user an admin');
      await this.assertStillAdmin(caller);
    }
    const template = await this.assertTemplate(body.permissionTemplateId);
    if (template && !body.isAdmin) assertCanAssignTemplate(caller.permissions, template);
    assertSetsNoPassword(caller, 'password');
    await this.assertEmailFree(body.email);
    const t = now();
    return this.save(
      this.repo.create({
        id: uuidv7(),
        accountId: currentAccountId(),
        email: body.email,
        name: body.name,
        passwordHash: await this.passwords.hash(body.password),
        isAdmin: body.isAdmin ?? false,
        permissionTemplateId: body.permissionTemplateId ?? null,
        createdAt: t,
        updatedAt: t,
        removedAt: null,
      }),
    );
  }

  /**
   * The rules, checked before anything is written: only an admin sets or clears `isAdmin`; nobody
   * takes away their own admin rights, and the account keeps at least one admin; a template may be
   * assigned only by someone holding all it grants; the email, password or template of a user who holds
   * more than the caller (an admin, for a non-admin) cannot be changed; one's own password is changed only
   * through POST /api/v1/auth/password (which asks for the current one). A new password ends every
   * session of the user.
   */
  async update(id: string, body: UpdatePlatformUserBody): Promise<PlatformUserEntity> {
    const caller = await this.caller();
    const user = await this.get(id);
    const self = user.id === caller.userId;
    const adminChange = body.isAdmin !== undefined && body.isAdmin !== user.isAdmin;
    if (adminChange) {
      if (!caller.isAdmin) {
        throw refused('isAdmin', body.isAdmin ? 'only an admin can make a user an admin' : "only an admin can take away a user's admin rights");
      }
      if (!body.isAdmin && self) throw conflict('isAdmin: you cannot remove your own admin rights');
    }
    if (body.password !== undefined) assertSetsNoPassword(caller, 'password');
    if (body.password !== undefined && self) {
      throw refused('password', 'change your own password with POST /api/v1/auth/password, which asks for the current one');
    }
    const emailChange = body.email !== undefined && body.email !== user.email;
    const templateChange = body.permissionTemplateId !== undefined && body.permissionTemplateId !== user.permissionTemplateId;
    const acts: UserAct[] = [
      ...(emailChange && !self ? (['email'] as const) : []),
      ...(body.password !== undefined ? (['password'] as const) : []),
      ...(templateChange && !self ? (['template'] as const) : []),
    ];
    for (const act of acts) assertOutranks(caller, await this.subject(user), act);
    // A key acts for its creator: like the creator, it does not change their email (else a leaked key
    // turns into the creator's sign-in, which can then mint keys). Passwords are refused above.
    if (user.id === caller.keyCreatorId && emailChange) {
      throw refused('email', 'an API key cannot change the email of the user who created it; they change it themself, signed in');
    }
    if (body.permissionTemplateId !== undefined) {
      const template = await this.assertTemplate(body.permissionTemplateId);
      if (template && body.permissionTemplateId !== user.permissionTemplateId) assertCanAssignTemplate(caller.permissions, template);
    }
    if (adminChange || (user.isAdmin && acts.length)) {
      await this.assertStillAdmin(caller, body.isAdmin === false ? user.id : undefined);
    }
    if (emailChange) await this.assertEmailFree(body.email!);

    const { password, ...rest } = body;
    Object.assign(user, rest, { updatedAt: now() });
    if (password !== undefined) user.passwordHash = await this.passwords.hash(password);
    const saved = await this.save(user);
    // Sessions follow credentials: a password set by someone else ends every session of the user.
    if (password !== undefined) {
      await this.security.passwordChanged(saved);
      await this.security.sessionsRevoked(saved, await revokeSessions(this.txHost.tx, user.id), 'password changed');
    }
    return saved;
  }

  /** Nobody removes themself, an admin only an admin, and a member only someone holding all they hold. */
  async remove(id: string): Promise<void> {
    const caller = await this.caller();
    const user = await this.get(id);
    if (user.id === caller.userId) throw conflict('You cannot remove yourself');
    assertOutranks(caller, await this.subject(user), 'remove');
    if (user.isAdmin) await this.assertStillAdmin(caller, user.id);
    user.removedAt = now();
    await this.save(user);
    await this.security.sessionsRevoked(user, await revokeSessions(this.txHost.tx, user.id), 'user removed');
  }

  /** The caller: admin only when a signed-in user who is an admin now (API keys never are). */
  private async caller(): Promise<Caller> {
    const principal = requirePrincipal();
    if (principal.actor.type !== 'platform_user' || !principal.userId) {
      const keys: Array<{ created_by_id: string | null }> =
        principal.actor.type === 'api_key'
          ? await this.txHost.tx.query('SELECT created_by_id FROM api_keys WHERE id = $1 AND account_id = $2', [principal.actor.id, principal.accountId])
          : [];
      return { userId: null, keyCreatorId: keys[0]?.created_by_id ?? null, isAdmin: false, permissions: principal.permissions };
    }
    const rows: Array<{ is_admin: boolean }> = await this.txHost.tx.query(
      'SELECT is_admin FROM platform_users WHERE id = $1 AND account_id = $2 AND removed_at IS NULL',
      [principal.userId, principal.accountId],
    );
    return { userId: principal.userId, keyCreatorId: null, isAdmin: rows[0]?.is_admin === true, permissions: principal.permissions };
  }

  /** What the user holds now, for comparing with the caller. */
  private async subject(user: PlatformUserEntity) {
    const fromTemplate =
      !user.isAdmin && user.permissionTemplateId ? await this.templates.permissionsGranted(user.permissionTemplateId, user.accountId) : undefined;
    return { isAdmin: user.isAdmin, name: user.name, permissions: permissionsOf(user, fromTemplate) };
  }

  /**
   * Locks the account's admins (in id order, so two such transactions never deadlock) until COMMIT,
   * then checks that the caller is still one of them and, when `leaving` is demoted or removed, that
   * another admin remains. Two admins demoting each other at once: the second waits for the first,
   * then finds it is no longer an admin.
   */
  private async assertStillAdmin(caller: Caller, leaving?: string): Promise<void> {
    const rows: Array<{ id: string }> = await this.txHost.tx.query(
      'SELECT id FROM platform_users WHERE account_id = $1 AND is_admin AND removed_at IS NULL ORDER BY id FOR UPDATE',
      [currentAccountId()],
    );
    const admins = rows.map((r) => r.id);
    if (!caller.userId || !admins.includes(caller.userId)) throw refused('isAdmin', 'only an admin can do this, and you are no longer one');
    if (leaving && admins.filter((a) => a !== leaving).length === 0) {
      throw conflict('isAdmin: this is the last admin of the account; make another user an admin first');
    }
  }

  /**
   * Emails are unique across accounts, but behind row-level security this sees only the caller's
   * account: another account's user with the email is caught by the unique index on save instead (409).
   */
  private async assertEmailFree(email: string) {
    if (await this.repo.exists({ where: { email, removedAt: IsNull() } })) throw conflict(EMAIL_TAKEN);
  }

  /** The template must exist in the account and not be deleted; its row stays locked until commit, so it cannot be deleted meanwhile. */
  private async assertTemplate(id: string | null | undefined) {
    return id ? this.templates.getLive(id, 'pessimistic_read') : null;
  }

  private async save(user: PlatformUserEntity) {
    try {
      return await this.repo.save(user);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(EMAIL_TAKEN);
      throw err;
    }
  }
}
