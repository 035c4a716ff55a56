import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { type ArgumentsHost, Logger } from '@nestjs/common';
import { ClsServiceManager } from 'nestjs-cls';
import { HttpExceptionFilter, isLostDatabaseConnection, isNoDatabaseConnection } from './http-exception.filter';
import { noteCommitted, startProgress } from './request-context';
import { NO_CONNECTION } from '../database/pg-driver';

Logger.overrideLogger(false);

const netError = (code: string, syscall?: string) => Object.assign(new Error(`${syscall ?? 'x'} ${code}`), { code, syscall });
const pgError = (code: string, message = 'server says no') => Object.assign(new Error(message), { code, severity: 'FATAL' });
const failed = (driverError: Error, query = 'SELECT 1') => new QueryFailedError(query, [], driverError);
/** As the pool's connect() leaves it (database/pg-driver.ts). */
const fromConnect = <E extends Error>(err: E) => Object.assign(err, { [NO_CONNECTION]: true });

describe('database availability errors', () => {
  it.each([
    ['pg-pool wait ran out', fromConnect(new Error('timeout exceeded when trying to connect'))],
    ['pg connect timed out', fromConnect(new Error('Connection terminated due to connection timeout'))],
    ['port closed', fromConnect(netError('ECONNREFUSED', 'connect'))],
    ['reset while connecting', fromConnect(netError('ECONNRESET', 'read'))],
    ['starting up / shutting down', fromConnect(pgError('57P03', 'the database system is starting up'))],
    ['too many connections', fromConnect(pgError('53300', 'sorry, too many clients already'))],
  ])('no connection: %s', (_, err) => {
    expect(isNoDatabaseConnection(err)).toBe(true);
    expect(isLostDatabaseConnection(err)).toBe(false);
  });

  it.each([
    ['connection dropped mid-statement', failed(new Error('Connection terminated unexpectedly'))],
    ['administrator shut PostgreSQL down', failed(pgError('57P01', 'terminating connection due to administrator command'))],
    ['reset by peer', failed(netError('ECONNRESET', 'read'))],
    ['a client already broken', new Error('Client has encountered a connection error and is not queryable')],
    ['an administrator shutdown outside a statement', pgError('57P01', 'terminating connection due to administrator command')],
    ['the query runner released under the transaction', new QueryRunnerAlreadyReleasedError()],
    ['its connection released under the transaction', new QueryRunnerProviderAlreadyReleasedError()],
  ])('lost connection: %s', (_, err) => {
    expect(isLostDatabaseConnection(err)).toBe(true);
    expect(isNoDatabaseConnection(err)).toBe(false);
  });

  it.each([
    ['a statement of the request failed', failed(pgError('23505', 'duplicate key'))],
    ['a refused write (trigger)', failed(pgError('P0001', 'refused'))],
    ['a timeout in a statement', failed(pgError('57014', 'canceling statement due to statement timeout'))],
    // The same codes from sockets to other services (HTTPS, S3, Redis): not the database's.
    ['another service refusing a connection', netError('ECONNREFUSED', 'connect')],
    ['another service resetting one', netError('ECONNRESET', 'read')],
    ["the pool's words without its mark", new Error('timeout exceeded when trying to connect')],
    ['a client error carrying a SQLSTATE-like code', Object.assign(new Error('x'), { code: '57P01' })],
    ['an ordinary error', new Error('timeout')],
    ['not an error', 'timeout exceeded when trying to connect'],
  ])('neither: %s', (_, err) => {
    expect(isNoDatabaseConnection(err)).toBe(false);
    expect(isLostDatabaseConnection(err)).toBe(false);
  });
});

describe('HttpExceptionFilter: the no-connection answer', () => {
  /** The filter's reply for `err` in a request context where a transaction has (or has not) committed. */
  function answer(err: unknown, committed: boolean) {
    const sent: { status?: number; headers: Record<string, string>; body?: { message: string } } = { headers: {} };
    const reply = {
      status(s: number) {
        sent.status = s;
        return reply;
      },
      header(k: string, v: string) {
        sent.headers[k] = v;
        return reply;
      },
      send(b: { message: string }) {
        sent.body = b;
        return reply;
      },
    };
    const host = { switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({ id: 'req-1', url: '/x' }) }) } as unknown as ArgumentsHost;
    const cls = ClsServiceManager.getClsService();
    cls.run(() => {
      startProgress();
      // A transaction runs in a shallow copy of the store (as @nestjs-cls/transactional's do): what it notes must outlive it.
      if (committed) cls.run({ ifNested: 'inherit' }, () => noteCommitted());
      new HttpExceptionFilter().catch(err, host);
    });
    return sent;
  }

  it('says nothing was changed only while no transaction of the request has committed', () => {
    const noConnection = () => fromConnect(new Error('timeout exceeded when trying to connect'));
    const before = answer(noConnection(), false);
    expect(before).toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
    expect(before.body!.message).toMatch(/Nothing was changed/);
    // After a commit: no "nothing was changed", and no Retry-After inviting a blind retry.
    const after = answer(noConnection(), true);
    expect(after).toMatchObject({ status: 503, headers: {} });
    expect(after.body!.message).not.toMatch(/Nothing was changed/);
    expect(after.body!.message).toMatch(/after part of it was saved/);
    const lost = answer(failed(new Error('Connection terminated unexpectedly')), false);
    expect(lost).toMatchObject({ status: 503, headers: {} });
    expect(lost.body!.message).toMatch(/may or may not have been saved/);
  });

  it('the 500 says nothing was changed only while no transaction of the request has committed', () => {
    expect(answer(new Error('a bug'), false).body!.message).toMatch(/nothing was changed/);
    const after = answer(new Error('a bug'), true);
    expect(after.status).toBe(500);
    expect(after.body!.message).not.toMatch(/nothing was changed/);
  });
});
