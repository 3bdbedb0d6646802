/**
 * `npm run bench:local-restart`: how fast `npm start` comes back with a large embedded Cosmos state
 * (issue 13 item 2). The compiled dev host runs under npm in a process group of its own, as in a
 * terminal; it ingests BENCH_RESTART_JOBS client jobs (20,000) and starts texting them through the
 * SMS sandbox; then the process group gets SIGTERM (Ctrl+C's path) and the host is started again, timed
 * from spawn to the first 200 from /api/health; then the host is killed with SIGKILL and started
 * again. Each restart must find every document. Throwaway databases, dropped at the end. Not a test.
 *
 * Knobs (environment): BENCH_RESTART_JOBS (20000), BENCH_WRITE=0 to leave docs/benchmarks.md alone,
 * BENCH_MYSQL_URL.
 */
import { copyFileSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { compileApp, cosmosJobs, freePort, run, waitFor, type Running } from '../test/support/cli.js';
import { CLIENT_JOBS_DDL } from '../dev/defaults.js';
import { insertClientJobs } from '../test/kit/mysql.js';
import { cosmosJournalPath, startEmbeddedCosmos } from '../dev/cosmos.js';
import { envInt, runBenchmark, benchLog } from './lib/harness.js';
import { createBenchDatabase } from './lib/stack.js';
import { int } from './lib/stats.js';
import { markdownTable, textTable, type Row } from './lib/table.js';

const OPTIONS = { jobs: envInt('BENCH_RESTART_JOBS', 20_000), write: process.env.BENCH_WRITE !== '0', targetMs: 10_000 };
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const log = benchLog('local-restart');

const groupGone = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return false;
  } catch {
    return true;
  }
};

async function healthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/api/health`)).status === 200;
  } catch {
    return false;
  }
}

void runBenchmark({
  key: 'local-restart',
  title: 'Local restart',
  deadlineMs: 20 * 60_000,
  write: OPTIONS.write,
  covered: 'compiling the app, an empty start, ingesting every job, and three starts of the host',
  async run({ date }) {
    const appDir = compileApp({ 'start:built': 'node dist/dev/main.js' });
    const hosts: Running[] = []; // their process groups are killed, and their output shown, if the run fails
    try {
      const [client, ledger] = await Promise.all([createBenchDatabase('client'), createBenchDatabase('ledger')]);
      await client.pool.query(CLIENT_JOBS_DDL);
      for (let from = 1; from <= OPTIONS.jobs; from += 2000) {
        await insertClientJobs(client.pool, Array.from({ length: Math.min(2000, OPTIONS.jobs - from + 1) }, (_, i) => ({ id: from + i })));
      }
      const env = { PATH: process.env.PATH, CLIENT_DB_URL: client.url, LEDGER_DB_URL: ledger.url, POLL_SCHEDULE: '* * * * * *', PORT: String(await freePort()) };
      const journal = cosmosJournalPath(path.join(appDir, '.local'), ledger.url);
      /** `npm run start:built` in a process group of its own, timed from spawn to Ready and to a 200 from /api/health. */
      const start = async (databases: NodeJS.ProcessEnv = {}) => {
        const started = performance.now();
        const host = run(appDir, { ...env, ...databases }, { file: 'npm', args: ['run', '--silent', 'start:built'], options: { detached: true } });
        hosts.push(host);
        await waitFor(() => healthy(Number(env.PORT)), '/api/health', host, 120_000);
        const healthMs = performance.now() - started;
        await waitFor(() => host.output().includes('Ready:'), 'the banner', host);
        return { host, healthMs, restored: Number(/(\d+) document\(s\) restored/.exec(host.output())?.[1] ?? NaN) };
      };
      const stop = async (host: Running, signal: NodeJS.Signals) => {
        const started = performance.now();
        process.kill(-host.child.pid!, signal);
        await waitFor(() => groupGone(host.child.pid!), 'the process group to exit', host, 600_000);
        return performance.now() - started;
      };
      const check = async (host: Running, what: string) => {
        const ids = new Set((await cosmosJobs(host)).map((doc) => Number(doc.id)));
        const missing = Array.from({ length: OPTIONS.jobs }, (_, i) => i + 1).filter((id) => !ids.has(id));
        if (missing.length > 0) throw new Error(`${what}: ${missing.length} of ${OPTIONS.jobs} job documents missing (first ${missing[0]})`);
        for (const id of [1, OPTIONS.jobs]) {
          const status = (await fetch(`http://127.0.0.1:${env.PORT}/api/jobs/${id}`)).status;
          if (status !== 200) throw new Error(`${what}: GET /api/jobs/${id} answered ${status}`);
        }
        return ids.size;
      };

      // The same start with nothing to restore (a new, empty database pair): what the journal adds is the difference.
      const [emptyClient, emptyLedger] = await Promise.all([createBenchDatabase('client'), createBenchDatabase('ledger')]);
      await emptyClient.pool.query(CLIENT_JOBS_DDL);
      const baseline = await start({ CLIENT_DB_URL: emptyClient.url, LEDGER_DB_URL: emptyLedger.url });
      await stop(baseline.host, 'SIGKILL');
      await Promise.all([emptyClient.drop(), emptyLedger.drop()]);
      log(`empty start: /api/health in ${seconds(baseline.healthMs)}`);

      log(`first start; ingesting ${int(OPTIONS.jobs)} jobs`);
      const first = await start();
      const ingestStarted = performance.now();
      // The checkpoint reaches the last job once every document is written (reading 20,000 documents to count them would load the host).
      const checkpoint = async () => ((await ledger.pool.query('SELECT MAX(last_job_id) AS n FROM poll_checkpoint'))[0] as Array<{ n: number | null }>)[0]?.n;
      await waitFor(async () => Number(await checkpoint()) === OPTIONS.jobs, 'the poll checkpoint at the last job', first.host, 600_000);
      const ingestMs = performance.now() - ingestStarted;
      const documents = await check(first.host, 'before the restarts');
      const journalBytes = statSync(journal).size;
      const journalLines = readFileSync(journal, 'utf8').split('\n').length - 1;
      log(`${int(documents)} documents, journal ${int(journalLines)} lines (${(journalBytes / 2 ** 20).toFixed(1)} MiB) after ${seconds(ingestMs)}; SIGTERM to npm's process group`);

      const rows: Row[] = [];
      const restarts: Array<{ healthMs: number; found: number }> = [];
      let previous = first.host;
      for (const [signal, how] of [
        ['SIGTERM', "SIGTERM to npm's process group (Ctrl+C's path)"],
        ['SIGKILL', 'SIGKILL to the process group (no shutdown code runs)'],
      ] as const) {
        const stopMs = await stop(previous, signal);
        const again = await start();
        const found = await check(again.host, `after ${signal}`);
        log(`after ${signal}: /api/health in ${seconds(again.healthMs)}, ${int(again.restored)} restored, ${int(found)} found`);
        restarts.push({ healthMs: again.healthMs, found });
        rows.push([how, seconds(stopMs), int(again.restored), seconds(again.healthMs), `${int(found)} of ${int(OPTIONS.jobs)}`, again.healthMs <= OPTIONS.targetMs ? 'met' : 'MISSED']);
        previous = again.host;
      }
      await stop(previous, 'SIGTERM');
      await Promise.all([client.drop(), ledger.drop()]);

      // The journal's share of a start: loading a copy of it into a new embedded server, in this process.
      const copy = `${journal}.bench`;
      const loads: number[] = [];
      for (let i = 0; i < 3; i++) {
        copyFileSync(journal, copy);
        const started = performance.now();
        const server = await startEmbeddedCosmos({ journalPath: copy });
        loads.push(performance.now() - started);
        await server.stop();
      }
      log(`journal load alone: ${loads.map(seconds).join(', ')}`);

      const header: Row = ['stopped by', 'until the group is gone', 'documents restored', 'start to /api/health 200', 'job documents found', '≤ 10 s'];
      const slowest = Math.max(...restarts.map((r) => r.healthMs));
      const met = restarts.every((r) => r.healthMs <= OPTIONS.targetMs && r.found === OPTIONS.jobs);
      return {
        console: textTable(header, rows),
        markdown: [
          `Run ${date} with \`npm run bench:local-restart\` (bench/localRestart.ts) on the machine above; the compiled dev host under \`npm run\` (without \`npm start\`'s build), its own embedded Cosmos server in process.`,
          '',
          `${int(OPTIONS.jobs)} \`NEW\` client jobs ingested by the running host (poll every second; ${seconds(ingestMs)} from its first 200 on \`/api/health\` until the poll checkpoint reached the last job), courtesy SMS still going out to the sandbox (30 a second) when it is stopped: ${int(documents)} job documents, a journal of ${int(journalLines)} lines (${(journalBytes / 2 ** 20).toFixed(1)} MiB: the creates, then the SMS updates so far). Each start is timed from spawning npm to the first 200 from \`/api/health\`; then every job id is looked for in the embedded Cosmos server, and jobs 1 and ${int(OPTIONS.jobs)} through \`GET /api/jobs/{id}\`.`,
          '',
          markdownTable(header, rows),
          '',
          `The same start against a new, empty database pair (nothing to restore, no jobs): ${seconds(baseline.healthMs)} to the first 200 on \`/api/health\`.`,
          '',
          `The journal's part of each start (\`startEmbeddedCosmos\` on a copy of the final journal, in the bench process: read, replay into the store, compact): ${loads.map(seconds).join(', ')} in three runs; the rest is npm, loading the app, preparing both MySQL databases, migrations and the app's start hook.`,
          '',
          `**Slowest restart ${seconds(slowest)}** (target ≤ 10 s with every document: ${met ? 'met' : 'MISSED'}). Before the journal: 64 s with 20,054 documents in the snapshot (issue 13), and nothing saved when the process group got SIGTERM.`,
        ].join('\n'),
      };
    } catch (error) {
      for (const host of hosts) console.error(`--- a host's output, last lines:\n${host.output().split('\n').slice(-30).join('\n')}`);
      throw error;
    } finally {
      for (const host of hosts) if (!groupGone(host.child.pid!)) process.kill(-host.child.pid!, 'SIGKILL');
      rmSync(appDir, { recursive: true, force: true });
    }
  },
});
