import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { SandboxMessage, SandboxSms, VonageSandboxOptions } from '../../dev/vonageSandbox.js';
import { stopChildProcess } from './stack.js';

/** What the sandbox process reports: what it accepted since its last report, and its request counts. */
export interface SandboxReport {
  sent: SandboxSms[];
  messages: SandboxMessage[];
  requests: number;
  /** True for the answer to `sync`. */
  flushed: boolean;
}

/** What a bench reads of the sandbox: the VonageSandbox fields, mirrored from its process (at most 50 ms behind until `sync`). */
export interface SandboxView {
  readonly sent: readonly SandboxSms[];
  readonly messages: readonly SandboxMessage[];
  readonly requests: number;
}

export interface SandboxProcess extends SandboxView {
  url: string;
  /** Resolves once everything the sandbox accepted so far is mirrored here. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Starts bench/lib/sandboxServer.ts in a child process, as the Cosmos server is (bench/lib/stack.ts). */
export async function startSandboxProcess(options: VonageSandboxOptions): Promise<SandboxProcess> {
  const child: ChildProcess = fork(resolve(__dirname, 'sandboxServer.ts'), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.once('message', (message) => resolveUrl((message as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`the Vonage sandbox process exited early (code ${code})`)));
  });
  const sent: SandboxSms[] = [];
  const messages: SandboxMessage[] = [];
  const flushWaiters: Array<() => void> = [];
  const view = {
    url,
    sent,
    messages,
    requests: 0,
    sync: () =>
      new Promise<void>((done) => {
        flushWaiters.push(done);
        child.send('sync');
      }),
    close: () => stopChildProcess(child),
  };
  child.on('message', (message) => {
    const update = message as SandboxReport;
    sent.push(...update.sent);
    messages.push(...update.messages);
    view.requests = update.requests;
    if (update.flushed) flushWaiters.shift()?.();
  });
  return view;
}
