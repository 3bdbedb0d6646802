import { describe, expect, it } from 'vitest';
import { createMysqlPool } from '../../src/adapters/mysql/pool.js';
import { asTransient } from '../../src/adapters/system/transientErrors.js';
import { TransientError } from '../../src/domain/shared/transientError.js';

const coded = (message: string, code: string | number) => Object.assign(new Error(message), { code });

describe('transient infrastructure failures', () => {
  it.each([
    ['a refused connection', coded('connect ECONNREFUSED 127.0.0.1:3306', 'ECONNREFUSED')],
    ['a statement timeout', coded('Query inactivity timeout', 'PROTOCOL_SEQUENCE_TIMEOUT')],
    ['a deadlock', coded('Deadlock found when trying to get lock', 'ER_LOCK_DEADLOCK')],
    ['a fatal protocol error', Object.assign(coded('Connection lost', 'PROTOCOL_UNEXPECTED_PACKET'), { fatal: true })],
    ['Cosmos DB throttling', coded('Request rate is large', 429)],
    ['Cosmos DB unavailable', Object.assign(new Error('Service unavailable'), { statusCode: 503 })],
    ['a cause that is one', new Error('write failed', { cause: coded('read ECONNRESET', 'ECONNRESET') })],
    ['one of several', new AggregateError([new Error('other'), coded('connect ETIMEDOUT', 'ETIMEDOUT')], 'all attempts failed')],
  ])('wraps %s as a TransientError that keeps the message and the cause', (_case, error) => {
    const wrapped = asTransient(error);
    expect(wrapped).toBeInstanceOf(TransientError);
    expect((wrapped as TransientError).message).toBe(error.message);
    expect((wrapped as TransientError).cause).toBe(error);
  });

  it.each([
    ['a bug', new Error('SMS log entry job-1-received vanished')],
    ['a duplicate key', coded("Duplicate entry '1' for key 'PRIMARY'", 'ER_DUP_ENTRY')],
    ['a Cosmos precondition failure', coded('Precondition failed', 412)],
    ['a non-fatal protocol error', coded('Unexpected packet', 'PROTOCOL_UNEXPECTED_PACKET')],
  ])('passes %s on unchanged', (_case, error) => {
    expect(asTransient(error)).toBe(error);
  });

  it('wraps a TransientError only once', () => {
    const once = asTransient(coded('connect ECONNREFUSED', 'ECONNREFUSED'));
    expect(asTransient(once)).toBe(once);
  });

  it('comes out of the MySQL pool as a TransientError when the server is not there', async () => {
    const pool = createMysqlPool('mysql://relay@127.0.0.1:1/nothing', 1);
    try {
      await expect(pool.query('SELECT 1')).rejects.toBeInstanceOf(TransientError);
    } finally {
      await pool.end();
    }
  });
});
