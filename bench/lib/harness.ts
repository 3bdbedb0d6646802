import { writeBenchmarkSection } from './docs.js';
import { describeMachine, machineLine, machineMarkdown, type Machine } from './machine.js';
import { createBenchDatabase, dropAllBenchDatabases, startBenchCosmos, type BenchCosmos } from './stack.js';

/** A positive whole-number knob from the environment, e.g. BENCH_IDLE_POLLS. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** A bench's progress lines: `[bench:<key> hh:mm:ss] message`. */
export function benchLog(key: string): (message: string) => void {
  return (message) => console.log(`[bench:${key} ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** Runs one step of a bench's set-up and logs how long it took; returns the milliseconds. */
export async function timedStep(log: (message: string) => void, label: string, fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  const elapsed = performance.now() - t0;
  log(`${label}: ${(elapsed / 1000).toFixed(1)} s`);
  return elapsed;
}

export interface BenchRun {
  cosmos: BenchCosmos;
  machine: Machine;
  /** When the run started, ISO 8601 to the second. */
  date: string;
}

export interface BenchReport {
  console: string;
  markdown: string;
}

/**
 * Runs one benchmark with the shared set-up: the Cosmos server, the machine description, a hard
 * deadline, and clean-up of every bench database on success, failure, Ctrl-C or timeout. The
 * report is printed and, unless BENCH_WRITE=0, written to its section of docs/benchmarks.md.
 */
export async function runBenchmark(options: {
  key: string;
  title: string;
  deadlineMs: number;
  write: boolean;
  /** Describes what the run covered, for the sentence that gives its duration. */
  covered: string;
  run: (context: BenchRun) => Promise<BenchReport>;
}): Promise<void> {
  const started = performance.now();
  const log = benchLog(options.key);
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const cosmos = await startBenchCosmos();
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await Promise.allSettled([dropAllBenchDatabases(), cosmos.stop()]);
  };
  const abort = (reason: string, code: number) => {
    console.error(`[bench:${options.key}] ${reason}; cleaning up`);
    void cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));
  const deadline = setTimeout(() => abort(`gave up after ${options.deadlineMs / 60_000} minutes`, 2), options.deadlineMs);
  deadline.unref();

  try {
    const probe = await createBenchDatabase('probe');
    const machine = await describeMachine(probe.pool);
    await probe.drop();
    log(`machine: ${machineLine(machine)}; Cosmos server ${cosmos.where}`);

    const report = await options.run({ cosmos, machine, date });
    const runSeconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(report.console);
    if (options.write) {
      writeBenchmarkSection({
        key: options.key,
        title: options.title,
        body: `${report.markdown}\n\nThe whole run (${options.covered}) took ${runSeconds} s.`,
        machine: machineMarkdown(machine, date, cosmos.where === 'child process' ? 'in a child process' : 'in the bench process'),
      });
      log(`wrote the ${options.title} section of docs/benchmarks.md`);
    }
    log(`done in ${runSeconds} s`);
  } finally {
    clearTimeout(deadline);
    await cleanup();
  }
}
