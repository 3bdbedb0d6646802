/**
 * Runs a Vonage sandbox (dev/vonageSandbox.ts) in a process of its own, as Vonage is a separate
 * service in production: its HTTP server then does not share the bench's event loop, so the
 * bench measures the app's side of each request only. Options come as JSON in argv[2]; what the
 * sandbox accepted is reported to the parent over IPC every 50 ms, and at once when asked.
 */
import { VonageSandbox, type VonageSandboxOptions } from '../../dev/vonageSandbox.js';
import type { SandboxReport } from './sandboxProcess.js';

const sandbox = new VonageSandbox(JSON.parse(process.argv[2] ?? '{}') as VonageSandboxOptions);
let reportedSms = 0;
let reportedMessages = 0;

function report(flushed: boolean): void {
  const sent = sandbox.sent.slice(reportedSms);
  const messages = sandbox.messages.slice(reportedMessages);
  reportedSms += sent.length;
  reportedMessages += messages.length;
  const update: SandboxReport = { sent, messages, requests: sandbox.requests, flushed };
  if (flushed || sent.length > 0 || messages.length > 0) process.send?.(update);
}

void sandbox.listen().then((url) => {
  process.send?.({ url });
  const timer = setInterval(() => report(false), 50);
  process.on('message', () => report(true));
  const stop = () => {
    clearInterval(timer);
    void sandbox.close().finally(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
});
