/**
 * `npm run bench:discounts`: discount codes (issue 12) through the real HTTP functions, relay from
 * buildRelay, the embedded Cosmos server in a child process.
 * (a) one POST generating 100,000 codes for a brand (wall time), then every code read back to check
 *     the count and that no two are equal;
 * (b) 1,000 concurrent claims by distinct customers on that brand (claims/s, distinct codes);
 * (c) a pool of 10 codes raced by 50 concurrent customers (exactly 10 winners).
 *
 * Knobs (environment): BENCH_DISCOUNT_CODES (100000), BENCH_DISCOUNT_CLAIMS (1000),
 * BENCH_DISCOUNT_POOL (10), BENCH_DISCOUNT_RACERS (50), BENCH_WRITE=0 to leave docs/benchmarks.md alone.
 */
// Like the Functions worker: provide @azure/functions-core before any function module is loaded.
import '../test/setup/functionsCore.js';
import '../src/functions/discounts/claimDiscountCode.js';
import '../src/functions/discounts/generateDiscountCodes.js';
import '../src/functions/discounts/getDiscountCodes.js';
import type { Container } from '@azure/cosmos';
import os from 'node:os';
import { invokeHttp, startBenchRelay } from './lib/functions.js';
import { insertBenchCustomers } from './lib/stack.js';
import { envInt, runBenchmark, benchLog } from './lib/harness.js';
import { int, ms, percentile } from './lib/stats.js';
import { markdownTable, textTable, type Row } from './lib/table.js';
import { verify } from '../test/kit/verify.js';

const OPTIONS = {
  codes: envInt('BENCH_DISCOUNT_CODES', 100_000),
  claims: envInt('BENCH_DISCOUNT_CLAIMS', 1000),
  pool: envInt('BENCH_DISCOUNT_POOL', 10),
  racers: envInt('BENCH_DISCOUNT_RACERS', 50),
  write: process.env.BENCH_WRITE !== '0',
  deadlineMs: 10 * 60_000,
  targets: { generateSeconds: 10, claimsPerSecond: 200 },
};

const log = benchLog('discounts');


const generate = (brandId: string, count: number) =>
  invokeHttp('generateDiscountCodes', JSON.stringify({ count }), { 'idempotency-key': `bench-${brandId}` }, { brandId });

async function claimConcurrently(brandId: string, customers: number[]) {
  const latencies: number[] = [];
  const t0 = performance.now();
  const answers = await Promise.all(
    customers.map(async (customerId) => {
      const t = performance.now();
      const answer = await invokeHttp('claimDiscountCode', JSON.stringify({ customerId }), {}, { brandId });
      latencies.push(performance.now() - t);
      return answer;
    }),
  );
  const elapsedMs = performance.now() - t0;
  const codes = answers.filter((a) => a.status === 201).map((a) => String(a.body.code));
  const statuses = new Map<number, number>();
  for (const answer of answers) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  const failure = answers.find((a) => a.status >= 500)?.body.detail;
  return { elapsedMs, latencies, answers, codes, distinct: new Set(codes).size, summary: `${JSON.stringify([...statuses])}${failure ? ` (${String(failure)})` : ''}` };
}

/** Every stored code of the brand, by bulk point reads of its numbered documents. */
async function readAllCodes(container: Container, brandId: string, generated: number): Promise<string[]> {
  const codes: string[] = [];
  for (let from = 0; from < generated; from += 100) {
    const reads = await container.items.bulk(
      Array.from({ length: Math.min(100, generated - from) }, (_, i) => ({ operationType: 'Read' as const, id: `code-${from + i}`, partitionKey: brandId })),
    );
    for (const read of reads) codes.push(String((read.resourceBody as { code?: string } | undefined)?.code));
  }
  return codes;
}

void runBenchmark({
  key: 'discounts',
  title: 'Discount codes',
  deadlineMs: OPTIONS.deadlineMs,
  write: OPTIONS.write,
  covered: 'set-up, generation, read-back, claims',
  async run({ cosmos }) {
    const containerName = `discountCodes_bench_${Date.now()}`;
    const bench = await startBenchRelay(cosmos, 'discounts', { COSMOS_DISCOUNT_CODES_CONTAINER: containerName });
    const { container: codesContainer } = await cosmos.open(containerName);
    try {
      const warmUpCustomers = Array.from({ length: 100 }, (_, i) => i + 1);
      const benchCustomers = Array.from({ length: OPTIONS.claims }, (_, i) => 100_000 + i);
      const racers = Array.from({ length: OPTIONS.racers }, (_, i) => 200_000 + i);
      // A claim for a customer the ledger does not know is refused with 404.
      await insertBenchCustomers(bench.ledger.pool, [...warmUpCustomers, ...benchCustomers, ...racers].map((customerId) => ({ customerId, name: `Bench customer ${customerId}` })));
      // Warm-up: the functions, the relay's clients.
      verify((await generate('warm-up', 500)).status === 201, 'warm-up generation');
      await claimConcurrently('warm-up', warmUpCustomers);

      log(`(a) generating ${int(OPTIONS.codes)} codes in one request`);
      const t0 = performance.now();
      const generated = await generate('bench-brand', OPTIONS.codes);
      const generateMs = performance.now() - t0;
      verify(generated.status === 201 && generated.body.generated === OPTIONS.codes, `generation answered ${generated.status} ${JSON.stringify(generated.body)}`);
      const stored = await readAllCodes(codesContainer, 'bench-brand', OPTIONS.codes);
      const distinctStored = new Set(stored).size;
      verify(distinctStored === OPTIONS.codes, `${distinctStored} distinct of ${stored.length} stored codes`);

      log(`(b) ${int(OPTIONS.claims)} concurrent claims by distinct customers`);
      const claims = await claimConcurrently('bench-brand', benchCustomers);
      verify(claims.codes.length === OPTIONS.claims && claims.distinct === OPTIONS.claims, `claims: ${claims.codes.length} x 201, ${claims.distinct} distinct; answers ${claims.summary}`);
      const counts = await invokeHttp('getDiscountCodes', '', {}, { brandId: 'bench-brand' });
      verify(counts.body.claimed === OPTIONS.claims && counts.body.available === OPTIONS.codes - OPTIONS.claims, `counts ${JSON.stringify(counts.body)}`);

      log(`(c) a pool of ${OPTIONS.pool} raced by ${OPTIONS.racers} customers`);
      verify((await generate('bench-pool', OPTIONS.pool)).status === 201, 'pool generation');
      const race = await claimConcurrently('bench-pool', racers);
      const refused = race.answers.filter((a) => a.status === 409).length;
      verify(race.codes.length === OPTIONS.pool && race.distinct === OPTIONS.pool && refused === OPTIONS.racers - OPTIONS.pool, `race: ${race.codes.length} winners, ${race.distinct} distinct, ${refused} x 409`);

      const claimsPerSecond = (OPTIONS.claims / claims.elapsedMs) * 1000;
      const header: Row = ['scenario', 'size', 'wall time', 'rate', 'target', 'request p50', 'request p99', 'checked'];
      const rows: Row[] = [
        ['(a) POST /api/brands/{brandId}/discount-codes', `${int(OPTIONS.codes)} codes, 1 request`, `${(generateMs / 1000).toFixed(2)} s`, `${int((OPTIONS.codes / generateMs) * 1000)} codes/s`, `≤ ${OPTIONS.targets.generateSeconds} s`, '-', '-', `${int(distinctStored)} distinct codes stored`],
        ['(b) POST .../discount-codes/claim', `${int(OPTIONS.claims)} customers at once`, `${(claims.elapsedMs / 1000).toFixed(2)} s`, `${int(claimsPerSecond)} claims/s`, `≥ ${OPTIONS.targets.claimsPerSecond} claims/s`, ms(percentile(claims.latencies, 50)), ms(percentile(claims.latencies, 99)), `${int(claims.distinct)} distinct codes, 0 doubles`],
        ['(c) pool of 10, claims raced', `${OPTIONS.pool} codes, ${OPTIONS.racers} customers`, `${(race.elapsedMs / 1000).toFixed(2)} s`, '-', `exactly ${OPTIONS.pool} winners`, ms(percentile(race.latencies, 50)), ms(percentile(race.latencies, 99)), `${race.codes.length} x 201 (distinct), ${refused} x 409`],
      ];
      return {
        console: textTable(header, rows),
        markdown: [
          `Run with \`npm run bench:discounts\` (bench/discounts.ts) on the machine above; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end (the machine is shared).`,
          '',
          'The real function handlers, relay from `buildRelay`, one process; codes in the embedded Cosmos server (child process), reached over HTTPS by `@azure/cosmos`. After a warm-up (500 codes and 100 claims on another brand).',
          '',
          markdownTable(header, rows),
        ].join('\n'),
      };
    } finally {
      await codesContainer.delete().catch(() => undefined);
      await bench.stop();
    }
  },
});
