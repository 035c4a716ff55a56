import { Injectable, Inject } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import * as argon2 from 'argon2';
import { createHash, randomBytes } from 'node:crypto';
import { IsNull } from 'typeorm';
import { type ChangePasswordBody, type LoginBody, type Permission, type Session as SessionDto, type SignupBody } from '@keyledger/contract';
import { AccountsService, toAccountDto } from '../accounts/accounts.service';
import { Account } from '../accounts/account.entity';
import { AuditedExecutor, type EntryAuthor } from '../audit/audited-executor';
import { SecurityEvents, userActor } from '../audit/security-events.service';
import { ENV, type Env } from '../config/env';
import { badRequest, conflict, isUniqueViolation, unauthorized } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { now } from '../common/request-context';
import { PermissionTemplatesService } from '../permission-templates/permission-templates.service';
import { PlatformUserEntity } from '../platform-users/platform-user.entity';
import { toUserDto } from '../platform-users/platform-users.mapper';
import { PasswordHasher } from './password-hasher';
import { permissionsOf } from './permissions';
import { revokeSessions } from './session-revocation';
import { Session } from './session.entity';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface IssuedSession {
  token: string;
  session: SessionDto;
  expiresAt: Date;
}

export interface ResolvedSession {
  session: Session;
  user: PlatformUserEntity;
  account: Account;
  permissions: ReadonlySet<Permission>;
}

/** A hash to verify against when the email is unknown, so both failures take the same time. */
let dummyHash: Promise<string> | undefined;

@Injectable()
export class AuthService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly accounts: AccountsService,
    private readonly audited: AuditedExecutor,
    private readonly security: SecurityEvents,
    private readonly templates: PermissionTemplatesService,
    @Inject(ENV) private readonly env: Env,
    private readonly passwords: PasswordHasher,
  ) {}

  /**
   * Runs as the owner, outside row-level security (no principal yet): it creates the account, and the
   * email must be free across all accounts. Audited like every write (AuditedExecutor): the entry
   * (platform_user_added, by the new user, its changes derived from the inserted user) commits with
   * the account and the user.
   */
  async signup(body: SignupBody, context: { ip?: string; userAgent?: string }, address = context.ip ?? ''): Promise<IssuedSession> {
    const passwordHash = await this.passwords.hash(body.password, address);
    try {
      const author = ({ user, account }: { user: PlatformUserEntity; account: Account }): EntryAuthor => ({
        accountId: account.id,
        actor: userActor(user),
        source: 'ui',
        ip: context.ip ?? null,
        userAgent: context.userAgent ?? null,
      });
      const { issued } = await this.audited.runAs('platform_user_added', { target: 'platform_user' }, author, async () => {
        const users = this.txHost.tx.getRepository(PlatformUserEntity);
        if (await users.exists({ where: { email: body.email, removedAt: IsNull() } })) {
          throw conflict('email: a user with this email already exists; sign in instead');
        }
        const account = await this.accounts.create(body.accountName);
        const user = await users.save(
          users.create({ id: uuidv7(), accountId: account.id, email: body.email, name: body.name, passwordHash, isAdmin: true }),
        );
        return { user, account, issued: await this.issue(user, account) };
      });
      return issued;
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('email: a user with this email already exists; sign in instead');
      throw err;
    }
  }

  /**
   * By email across accounts, before any account is known: as the owner, outside row-level security.
   * Recorded in the account's audit log: a success (with the new session, in its transaction) and a
   * wrong password for an existing user (in a transaction of its own, bounded per user and hour). An
   * unknown email belongs to no account: it is only logged.
   */
  async login(body: LoginBody, address: string): Promise<IssuedSession> {
    const user = await this.txHost.tx
      .getRepository(PlatformUserEntity)
      .findOne({ where: { email: body.email, removedAt: IsNull() } });
    const hash = user?.passwordHash ?? (await (dummyHash ??= argon2.hash(randomBytes(16).toString('hex'), { type: argon2.argon2id })));
    const ok = await this.passwords.verify(hash, body.password, address);
    const account = user ? await this.accounts.get(user.accountId) : null;
    if (!user || !account) {
      this.security.signInFailedForUnknownEmail();
      throw unauthorized('Email or password is incorrect');
    }
    if (!ok) {
      await this.security.signInFailed(user);
      throw unauthorized('Email or password is incorrect');
    }
    return this.txHost.withTransaction(async () => {
      // The password was checked against the hash read before the (slow) verification: a password change
      // or removal committed meanwhile would miss this new session. Lock the row (a concurrent change
      // waits for this session, then ends it) and refuse if the hash is no longer the one verified.
      const current: Array<{ password_hash: string }> = await this.txHost.tx.query(
        'SELECT password_hash FROM platform_users WHERE id = $1 AND removed_at IS NULL FOR SHARE',
        [user.id],
      );
      if (current[0]?.password_hash !== user.passwordHash) throw unauthorized('Email or password is incorrect');
      const issued = await this.issue(user, account);
      await this.security.signedIn(user);
      return issued;
    });
  }

  /**
   * A signed-in user changes their own password: the current one must match, and every other session
   * of theirs ends (this one stays). One transaction, behind row-level security, with the user's row
   * locked so two concurrent changes cannot both pass with the same current password. Returns how many
   * sessions were ended. Recorded: user_password_changed, and user_sessions_revoked when others ended.
   */
  async changePassword(userId: string, currentSessionId: string, body: ChangePasswordBody): Promise<{ revokedSessions: number }> {
    // Both argon2 steps before the transaction, so no pooled connection waits on them; the transaction
    // then checks, under the row lock, that the hash verified is still the user's.
    const passwordHash = await this.passwords.hash(body.newPassword);
    const verified = await this.txHost.tx
      .getRepository(PlatformUserEntity)
      .findOne({ where: { id: userId, removedAt: IsNull() }, select: { id: true, passwordHash: true } });
    if (!verified) throw unauthorized();
    if (!(await this.passwords.verify(verified.passwordHash, body.currentPassword))) {
      throw badRequest('currentPassword: the current password is incorrect', [{ path: 'currentPassword', message: 'the current password is incorrect' }]);
    }
    return this.txHost.withTransaction(async () => {
      const users = this.txHost.tx.getRepository(PlatformUserEntity);
      const user = await users.findOne({ where: { id: userId, removedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw unauthorized();
      if (user.passwordHash !== verified.passwordHash) {
        throw conflict('currentPassword: the password was changed meanwhile; sign in again with the new one');
      }
      await users.update({ id: user.id }, { passwordHash, updatedAt: now() });
      await this.security.passwordChanged(user, userActor(user));
      const revokedSessions = await revokeSessions(this.txHost.tx, user.id, currentSessionId);
      await this.security.sessionsRevoked(user, revokedSessions, 'password changed', userActor(user));
      return { revokedSessions };
    });
  }

  /** Ends the caller's session; the first time, with a sign-out entry in the same transaction. */
  async logout(sessionId: string): Promise<void> {
    await this.txHost.withTransaction(async () => {
      const sessions = this.txHost.tx.getRepository(Session);
      const ended = await sessions.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: now() });
      if (!ended.affected) return;
      const session = await sessions.findOneOrFail({ where: { id: sessionId } });
      const user = await this.txHost.tx.getRepository(PlatformUserEntity).findOneOrFail({ where: { id: session.userId } });
      await this.security.signedOut(user);
    });
  }

  /**
   * The live session behind a cookie token, or null (unknown, expired, revoked, user removed). For the
   * auth guard, before the account is known: as the owner, outside row-level security.
   */
  async resolve(token: string): Promise<ResolvedSession | null> {
    return this.live(await this.txHost.tx.getRepository(Session).findOne({ where: { tokenHash: hashToken(token) } }));
  }

  async resolveById(sessionId: string): Promise<ResolvedSession | null> {
    return this.live(await this.txHost.tx.getRepository(Session).findOne({ where: { id: sessionId } }));
  }

  private async live(session: Session | null): Promise<ResolvedSession | null> {
    if (!session || session.revokedAt || session.expiresAt <= new Date()) return null;
    const user = await this.txHost.tx.getRepository(PlatformUserEntity).findOne({ where: { id: session.userId } });
    if (!user || user.removedAt) return null;
    const account = await this.accounts.get(session.accountId);
    return account ? { session, user, account, permissions: await this.permissionsFor(user) } : null;
  }

  /** An admin's are all; anyone else's are their permission template's (none without one). */
  async permissionsFor(user: PlatformUserEntity): Promise<ReadonlySet<Permission>> {
    const fromTemplate =
      !user.isAdmin && user.permissionTemplateId
        ? await this.templates.permissionsGranted(user.permissionTemplateId, user.accountId)
        : undefined;
    return permissionsOf(user, fromTemplate);
  }

  sessionDto(user: PlatformUserEntity, account: Account, csrfToken: string, permissions: ReadonlySet<Permission>): SessionDto {
    return { user: toUserDto(user, permissions), account: toAccountDto(account), csrfToken };
  }

  private async issue(user: PlatformUserEntity, account: Account): Promise<IssuedSession> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + this.env.SESSION_TTL_HOURS * 3_600_000);
    const repo = this.txHost.tx.getRepository(Session);
    await repo.insert({ id: uuidv7(), tokenHash: hashToken(token), csrfToken, userId: user.id, accountId: account.id, expiresAt });
    return { token, expiresAt, session: this.sessionDto(user, account, csrfToken, await this.permissionsFor(user)) };
  }
}
