import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { isLostDatabaseConnection, isNoDatabaseConnection } from './http-exception.filter';

const netError = (code: string, syscall?: string) => Object.assign(new Error(`${syscall ?? 'x'} ${code}`), { code, syscall });
const pgError = (code: string, message = 'server says no') => Object.assign(new Error(message), { code, severity: 'FATAL' });
const failed = (driverError: Error, query = 'SELECT 1') => new QueryFailedError(query, [], driverError);

describe('database availability errors', () => {
  it.each([
    ['pg-pool wait ran out', new Error('timeout exceeded when trying to connect')],
    ['pg connect timed out', new Error('Connection terminated due to connection timeout')],
    ['port closed', netError('ECONNREFUSED', 'connect')],
    ['host unknown', netError('ENOTFOUND', 'getaddrinfo')],
    ['starting up / shutting down', pgError('57P03', 'the database system is starting up')],
    ['too many connections', pgError('53300', 'sorry, too many clients already')],
  ])('no connection: %s', (_, err) => {
    expect(isNoDatabaseConnection(err)).toBe(true);
    expect(isLostDatabaseConnection(err)).toBe(false);
  });

  it.each([
    ['connection dropped mid-statement', failed(new Error('Connection terminated unexpectedly'))],
    ['administrator shut PostgreSQL down', failed(pgError('57P01', 'terminating connection due to administrator command'))],
    ['reset by peer', failed(netError('ECONNRESET', 'read'))],
    ['the socket error itself', netError('ECONNRESET', 'read')],
    ['a client already broken', new Error('Client has encountered a connection error and is not queryable')],
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
    ['a socket error not from connecting', netError('ECONNREFUSED')],
    ['a reset with no socket call named', netError('ECONNRESET')],
    ['a client error carrying a SQLSTATE-like code', Object.assign(new Error('x'), { code: '53300' })],
    ['an ordinary error', new Error('timeout')],
    ['not an error', 'timeout exceeded when trying to connect'],
  ])('neither: %s', (_, err) => {
    expect(isNoDatabaseConnection(err)).toBe(false);
    expect(isLostDatabaseConnection(err)).toBe(false);
  });
});
