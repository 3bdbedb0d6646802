import Ajv2019 from 'ajv/dist/2019';
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LEDGER_MIGRATIONS, migrateLedger } from '../../src/adapters/mysql/ledgerMigrations.js';
import { provideRelay } from '../../src/processRelay.js';
import { callHttpFunction } from '../support/http.js';
import { createThrowawayDatabase } from '../kit/mysql.js';
import { seededRandom } from '../kit/seededRandom.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import '../../src/functions/stats/recordStatsBatch.js';
import '../../src/functions/stats/recordStatsMessage.js';

/**
 * Seed 002's JSON Schema as its text intends (the text itself is not valid JSON: a trailing comma,
 * and `uuid` printed after the closing brace of `properties`, where it belongs).
 */
const SEED_002_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2019-09/schema',
  $id: 'http://jagaad.com/stats_message.json',
  type: 'object',
  title: 'Stats Message Schema',
  required: ['customerId', 'type', 'amount', 'uuid'],
  properties: {
    customerId: { type: 'integer', title: 'The customerId is the customer unique identifier', examples: [1] },
    type: { type: 'string', default: '', title: 'The type of message received', examples: ['A'] },
    amount: { type: 'string', title: 'Amount billed to the customer, as a string with 3 decimals precision', examples: ['0.012'] },
    uuid: { type: 'string', title: 'The message unique identifier', examples: ['a596b362-08be-419f-8070-9c3055566e7c'] },
  },
};

const seedSchemaAccepts = new Ajv2019({ strict: false }).compile(SEED_002_SCHEMA);

const codePoints = (text: string) => Array.from(text).length;
const storable = (text: string) => !/\p{Cs}/u.test(text);

/**
 * The rules beyond the schema (ASSUMPTIONS.md, Message statistics), each for an invariant: the
 * reason a schema-valid message is refused, or undefined when it is accepted.
 */
function ruleBeyondSchema(message: Record<string, unknown>): string | undefined {
  const { customerId, type, amount, uuid } = message as { customerId: number; type: string; amount: string; uuid: string };
  if (customerId < 1 || customerId > Number.MAX_SAFE_INTEGER) return 'customerId within 1..2^53-1';
  if (!/^\d{1,12}\.\d{3}$/.test(amount)) return 'amount: exactly three decimals, not negative, fits DECIMAL(15,3)';
  if (!storable(type) || codePoints(type) > 64) return 'type fits VARCHAR(64) utf8mb4';
  if (uuid === '') return 'uuid not empty';
  if (!storable(uuid) || codePoints(uuid) > 128) return 'uuid fits its column (128 characters)';
  return undefined;
}

function generator(random: () => number) {
  const pick = <T>(options: readonly T[]): T => options[Math.floor(random() * options.length)]!;
  const int = (below: number) => Math.floor(random() * below);
  const ALPHABET = ['a', 'Z', '0', '-', '.', ' ', '\n', '\t', '\u0000', 'é', 'ü', '中', '🙂', '"', '\\', '/'];
  const text = (max: number) => Array.from({ length: int(max + 1) }, () => pick(ALPHABET)).join('');
  const value = (): unknown => pick([() => text(8), () => int(1000), () => null, () => true, () => [int(3)], () => ({ nested: text(4) })])();
  const uuid = () => randomUUID();
  /** Mostly values the schema and the invariants accept, so every kind of answer is reached often. */
  const usually = <T>(good: Array<() => T>, odd: Array<() => T>): T => pick(random() < 0.8 ? good : odd)();

  const history: Array<Record<string, unknown>> = [];
  /** A producer's retry: an earlier message again, its UUID in the other case, other properties of its own. */
  const repeat = (): Record<string, unknown> => {
    const { customerId, type, amount, uuid: id } = pick(history);
    return { customerId, type, amount, uuid: typeof id === 'string' && random() < 0.5 ? id.toUpperCase() : id, retry: int(5) };
  };

  return (): Record<string, unknown> => {
    if (history.length > 0 && random() < 0.15) return repeat();
    const message: Record<string, unknown> = {
      customerId: usually<unknown>([() => 1 + int(50)], [() => pick([0, -1, 2 ** 53 - 1, 2 ** 53, 1e20, 1.5, '7', null, true])]),
      type: usually<unknown>([() => pick(['A', 'B', 'sms.job-received', '']), () => text(60)], [() => text(70), () => `A\ud800`, () => pick([5, null, ['A']])]),
      amount: usually<unknown>(
        [() => `${int(100)}.${String(int(1000)).padStart(3, '0')}`, () => pick(['0.000', '000.100', '999999999999.999'])],
        [() => pick(['1000000000000.000', '-1.000', '1.5', '1.0000', '1e3', ' 0.012', '', 'abc']), () => pick([0.012, null, 12])],
      ),
      uuid: usually<unknown>(
        [uuid, () => uuid().toUpperCase(), () => `${text(20)}x`, () => pick(['u'.repeat(128), 'ü'.repeat(128), '🙂'.repeat(128)])],
        [() => pick(['', 'u'.repeat(129), 'id-\udc00', 7, null])],
      ),
    };
    for (let extra = int(3); extra > 0; extra--) message[pick(['currency', 'source', 'meta', 'customer_id', 'Type', '$id'])] = value();
    if (random() < 0.1) delete message[pick(['customerId', 'type', 'amount', 'uuid'])];
    history.push(message);
    return message;
  };
}

/** Seed 002's message against POST /api/stats/messages and the batch route, over real MariaDB (issue 21 item 10). */
describe('statistics accept what seed 002 accepts', () => {
  let stack: RealStack;

  beforeAll(async () => {
    stack = await startRealStack();
  });
  beforeEach(() => provideRelay(async () => stack.relay));
  afterAll(async () => stack?.stop());

  it('answers 400 exactly for schema breaks and the documented invariants over 600 generated messages, one by one and in a batch', async () => {
    const next = generator(seededRandom(20261207));
    const inputs = Array.from({ length: 600 }, next);
    /** What each canonical uuid was first counted with, to know 201 from 200 from 409. */
    const counted = new Map<string, string>();
    const expected = (message: Record<string, unknown>): number => {
      if (!seedSchemaAccepts(message) || ruleBeyondSchema(message) !== undefined) return 400;
      const id = String(message.uuid);
      const key = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id.toLowerCase() : id;
      const content = JSON.stringify([message.customerId, message.type, Number(String(message.amount).replace('.', ''))]);
      const first = counted.get(key);
      if (first === undefined) counted.set(key, content);
      return first === undefined ? 201 : first === content ? 200 : 409;
    };

    const singles = inputs.slice(0, 300);
    const answers: Array<{ message: Record<string, unknown>; want: number; got: number }> = [];
    for (const message of singles) {
      const want = expected(message);
      answers.push({ message, want, got: (await callHttpFunction('recordStatsMessage', 'POST', { body: JSON.stringify(message) })).status });
    }
    const batched = inputs.slice(300);
    const wants = batched.map(expected);
    const batch = await callHttpFunction('recordStatsBatch', 'POST', { body: JSON.stringify({ messages: batched }) });
    expect(batch.status).toBe(200);
    (batch.body.results as Array<{ status: number }>).forEach((result, i) => answers.push({ message: batched[i]!, want: wants[i]!, got: result.status }));

    expect(answers.filter((a) => a.got !== a.want)).toEqual([]);
    // The generator reaches every kind of answer, and every rule beyond the schema.
    const schemaValid = answers.filter((a) => seedSchemaAccepts(a.message));
    expect(new Set(answers.map((a) => a.got))).toEqual(new Set([201, 200, 409, 400]));
    expect(schemaValid.filter((a) => a.got !== 400).length).toBeGreaterThan(200);
    expect(new Set(schemaValid.map((a) => ruleBeyondSchema(a.message)).filter(Boolean)).size).toBe(5);
    expect(answers.filter((a) => !seedSchemaAccepts(a.message)).length).toBeGreaterThan(50);

    const [[row]] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM stats_message');
    expect(Number(row!.n)).toBe(counted.size);
  });
});

describe('migration 019 (stats_message.uuid of any id)', () => {
  it('turns the 16-byte uuids stored before into their lower-case 8-4-4-4-12 text, the form the code now writes', async () => {
    const db = await createThrowawayDatabase('ledger');
    try {
      const before019 = LEDGER_MIGRATIONS.filter((m) => m.name < '019');
      await migrateLedger(db.pool, before019);
      await db.pool.query(
        "INSERT INTO stats_message (uuid, customer_id, type, amount, received_at, ingest_id) VALUES (UNHEX('A596B36208BE419F80709C3055566E7C'), 1, 'A', 0.012, UTC_TIMESTAMP(3), 1)",
      );
      await migrateLedger(db.pool);
      const [rows] = await db.pool.query<RowDataPacket[]>('SELECT CAST(uuid AS CHAR) AS id FROM stats_message');
      expect(rows.map((r) => r.id)).toEqual(['a596b362-08be-419f-8070-9c3055566e7c']);
    } finally {
      await db.drop();
    }
  });
});
