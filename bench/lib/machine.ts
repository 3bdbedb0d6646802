import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { RowDataPacket } from 'mysql2/promise';
import type { MysqlPool } from '../../src/adapters/mysql/pool.js';

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: string;
  os: string;
  node: string;
  mariadb: string;
  mariadbSettings: string;
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  } catch {
    // not Linux: fall back to what Node reports
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** The facts a reader needs to compare figures across machines. */
export async function describeMachine(pool: MysqlPool): Promise<Machine> {
  const [[server]] = await pool.query<RowDataPacket[]>(
    'SELECT VERSION() AS version, @@innodb_buffer_pool_size AS pool, @@innodb_flush_log_at_trx_commit AS flush, @@innodb_flush_method AS method',
  );
  return {
    nproc: os.availableParallelism(),
    cpuModel: cpuModel(),
    memoryGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    mariadb: String(server?.version),
    mariadbSettings: `innodb_buffer_pool_size ${Math.round(Number(server?.pool) / 1024 ** 2)} MiB, innodb_flush_log_at_trx_commit ${server?.flush}, innodb_flush_method ${server?.method}`,
  };
}

export function machineMarkdown(machine: Machine, date: string, cosmosWhere = 'in a child process'): string {
  return [
    `Last run ${date}, on:`,
    '',
    `- CPU: ${machine.cpuModel}, nproc ${machine.nproc}`,
    `- Memory: ${machine.memoryGiB} GiB; OS: ${machine.os}`,
    `- Node ${machine.node}; MariaDB ${machine.mariadb} on 127.0.0.1 (${machine.mariadbSettings})`,
    `- Cosmos DB: the embedded \`@vercel/cosmosdb-server\` (test/kit/cosmos.ts) on loopback, ${cosmosWhere}`,
  ].join('\n');
}

export function machineLine(machine: Machine): string {
  return `${machine.cpuModel} x${machine.nproc}, ${machine.memoryGiB} GiB, Node ${machine.node}, MariaDB ${machine.mariadb}`;
}
