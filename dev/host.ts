import { InvocationContext, type FunctionTrigger, type LogLevel } from '@azure/functions';
import type { Cron } from 'croner';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { format } from 'node:util';
import { buildRelay, prepareLedger, type Relay } from '../src/compositionRoot.js';
import { getRelay, provideRelay } from '../src/processRelay.js';
import { configSchema, loadConfig, type AppConfig } from '../src/config.js';
import { maskPhone } from '../src/domain/shared/phone.js';
import { embeddedDependencies, isSet, type LocalDependencies } from './dependencies.js';
import { hooksFor, installFunctionsCore, type Registration } from './functionsCore.js';
import { createHttpListener, httpFunctions, type DevRoute } from './http.js';
import { localDeadLetters, LocalQueue, localNotificationQueue, type LocalMessage } from './serviceBus.js';
import { describeError, findAppRoot, formatDuration, HostConfigurationError, problem, readHostJson, resolveSettingReferences } from './settings.js';
import { createTimer } from './timers.js';
import type { VonageSandbox } from './vonageSandbox.js';

/**
 * The local host behind `npm start`: it loads the app's compiled function files the way the Azure
 * Functions Node.js worker does and runs their handlers with the library's own `HttpRequest`,
 * `InvocationContext` and `Timer` shapes: HTTP triggers on a local port, timer triggers on their
 * NCRONTAB schedules, Service Bus queue triggers fed by an in-process queue. Cosmos DB and the
 * Vonage SMS API are embedded when not configured; MySQL must be running.
 */

export interface LocalHostOptions {
  /** App settings; default process.env. The host never changes the object it is given. */
  env?: NodeJS.ProcessEnv;
  /** The function files relative to appRoot, `dir/*.ext`; default package.json `main`. */
  functionFiles?: string;
  /** How a function file is loaded; default `require`, the worker's way for CommonJS. */
  importModule?: (file: string) => Promise<unknown>;
  /** HTTP port; default the PORT setting (7071). 0 picks a free port. */
  port?: number;
  /** Journal the embedded Cosmos server's data in this directory (one file per ledger database); default: memory only. */
  cosmosStateDir?: string;
  /** Where log lines go; default the console. */
  log?: (line: string, level: LogLevel) => void;
  /** Also write the effective settings (embedded endpoints, defaults) into process.env, as the CLI does. */
  exportSettingsToProcessEnv?: boolean;
}

export interface FunctionSummary {
  name: string;
  trigger: 'http' | 'timer' | 'serviceBus' | 'unsupported';
  /** One line for people: route and methods, schedule, or queue. */
  detail: string;
}

export interface LocalHost {
  /** Base URL, e.g. http://127.0.0.1:7071 (functions are under `apiUrl`). */
  url: string;
  apiUrl: string;
  /** The effective app settings, including embedded endpoints and local defaults. Holds secrets: never print it. */
  settings: Readonly<Record<string, string | undefined>>;
  config: AppConfig;
  functions: FunctionSummary[];
  dependencies: LocalDependencies;
  /** The SMS sandbox, when Vonage is not configured. */
  sandbox: VonageSandbox | undefined;
  /** The in-process queue the app sends SMS messages to (SMS_QUEUE). */
  queue: LocalQueue;
  /** Stops triggers and the HTTP server, lets running invocations finish, closes the relay and embedded servers. */
  stop(): Promise<void>;
}

/** The connection the app's own sender uses (compositionRoot reads SERVICEBUS_CONNECTION). */
const APP_CONNECTION = 'SERVICEBUS_CONNECTION';

const defaultLog = (line: string, level: LogLevel) => (['error', 'critical', 'warning'].includes(level) ? console.error : console.log)(line);

/** Files matching package.json `main` (this app: the one entry file `dist/src/functions/index.js`); a `*` may stand in the file name. */
function functionFiles(appRoot: string, pattern: string): string[] {
  const dir = path.join(appRoot, path.dirname(pattern));
  const name = new RegExp(`^${path.basename(pattern).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => name.test(f)).sort().map((f) => path.join(dir, f)) : [];
  if (files.length === 0) throw new HostConfigurationError(`no function files match "${pattern}" under ${appRoot}; build the app first (npm run build)`);
  return files;
}

/** The trigger input as the library reads a message: JSON text parsed, other text as is, bytes as a Buffer. */
function messageInput({ body }: LocalMessage): unknown {
  if (typeof body !== 'string') return Buffer.from(body);
  return /^\s*[[{"]/.test(body) ? (JSON.parse(body) as unknown) : body;
}

export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  const writeLine = options.log ?? defaultLog;
  const log = (level: LogLevel, source: string, message: string) => writeLine(`[${new Date().toISOString().slice(11, 23)}] [${source}] ${message}`, level);
  const registrations = installFunctionsCore();
  const appRoot = findAppRoot(__dirname);
  const hostJson = readHostJson(appRoot);
  const settings: Record<string, string | undefined> = { ...(options.env ?? process.env) };
  loadConfig(settings, { localHost: true }); // a bad setting is reported before anything starts

  const maxDeliveryCount = Number(settings.LOCAL_QUEUE_MAX_DELIVERY_COUNT?.trim() || 10);
  if (!Number.isInteger(maxDeliveryCount) || maxDeliveryCount < 1) throw new HostConfigurationError('LOCAL_QUEUE_MAX_DELIVERY_COUNT must be a whole number of at least 1');
  const dependencies = await embeddedDependencies(settings, {
    ...(options.cosmosStateDir ? { cosmosStateDir: options.cosmosStateDir } : {}),
    onSms: (line) => log('information', 'sms sandbox', line.replace(/^\[sms sandbox\]\s*/, '')),
    onMessage: (line) => log('information', 'messages sandbox', line.replace(/^\[messages sandbox\]\s*/, '')),
    onMail: (line) => log('information', 'mail sink', line.replace(/^\[mail sink\]\s*/, '')),
  });
  let relay: Relay | undefined;
  const closeRelay = async () => {
    await relay?.close();
    provideRelay(() => Promise.reject(new Error('the local host has stopped')));
  };

  try {
    const config = loadConfig(settings, { localHost: true });
    // Every setting the app knows gets its local default, so `%NAME%` in bindings resolves like an app setting.
    for (const name of Object.keys(configSchema.shape) as Array<keyof AppConfig>) {
      if ((settings[name] ?? '').trim() === '' && config[name] !== undefined) settings[name] = String(config[name]);
    }
    if (options.exportSettingsToProcessEnv) Object.assign(process.env, settings);

    // The one queue the app sends to; a trigger on any other queue would never receive a message.
    const smsQueue = new LocalQueue(config.SMS_QUEUE, { maxDeliveryCount, log: (level, message) => log(level, 'service bus', message) });
    // Azure migrates as a deployment step (the prepareLedger function); here the local ledger is
    // brought up to date before anything serves.
    const applied = await prepareLedger(config);
    if (applied.length > 0) log('information', 'ledger', `migrations applied: ${applied.join(', ')}`);
    provideRelay(() => buildRelay(config, { queue: localNotificationQueue(smsQueue), deadLetters: localDeadLetters(smsQueue) }));
    relay = await getRelay();

    // Load the function files as the worker does: each `app.*` call lands in the capture.
    const pattern = options.functionFiles ?? (JSON.parse(readFileSync(path.join(appRoot, 'package.json'), 'utf8')) as { main: string }).main;
    const files = functionFiles(appRoot, pattern);
    const load = options.importModule ?? ((file: string) => Promise.resolve(createRequire(__filename)(file) as unknown));
    for (const file of files) {
      await load(file).catch((error: unknown) => {
        throw new HostConfigurationError(`loading function file ${path.relative(appRoot, file)} failed: ${describeError(error)}`);
      });
    }
    const functions = [...registrations.values()].sort((a, b) => a.name.localeCompare(b.name));
    if (functions.length === 0) throw new HostConfigurationError(`no functions registered by ${pattern} (was @azure/functions used before the host installed its core?)`);
    const kindOf = (fn: Registration): FunctionSummary['trigger'] =>
      (({ httptrigger: 'http', timertrigger: 'timer', servicebustrigger: 'serviceBus' }) as const)[fn.trigger.type.toLowerCase() as 'httptrigger'] ?? 'unsupported';
    const resolve = (fn: Registration, key: string, fallback?: string) => resolveSettingReferences(String(fn.trigger[key] ?? fallback), settings, `function ${fn.name} ${key}`);
    /** A resolved value for people, with the binding's `%SETTING%` form when it had one. */
    const shown = (fn: Registration, key: string, value: string) => (String(fn.trigger[key]).includes('%') ? `${value} (${String(fn.trigger[key])})` : value);

    // One invocation: the library's InvocationContext, the handler, and the "Executing/Executed" lines of the Functions host.
    const running = new Set<Promise<unknown>>();
    const track = (work: Promise<unknown>) => {
      running.add(work);
      const forget = () => running.delete(work);
      work.then(forget, forget);
    };
    const invoke = (fn: Registration, input: unknown, reason: string, triggerMetadata?: Record<string, unknown>): Promise<unknown> => {
      const invocationId = randomUUID();
      const started = Date.now();
      const context = new InvocationContext({
        invocationId,
        functionName: fn.name,
        ...(triggerMetadata ? { triggerMetadata } : {}),
        options: { trigger: { ...fn.trigger, name: fn.triggerName } as FunctionTrigger },
        logHandler: (level, ...args) => log(level, fn.name, format(...args)),
      });
      log('information', fn.name, `Executing 'Functions.${fn.name}' (Reason='${reason}', Id=${invocationId})`);
      const overrun = hostJson.functionTimeoutMs === undefined ? undefined : setTimeout(() => log('warning', fn.name, `still running after the functionTimeout of ${formatDuration(hostJson.functionTimeoutMs!)}; Azure would stop it here (Id=${invocationId})`), hostJson.functionTimeoutMs).unref();
      const run = (async () => {
        try {
          const result = await fn.handler(input, context);
          log('information', fn.name, `Executed 'Functions.${fn.name}' (Succeeded, Id=${invocationId}, Duration=${Date.now() - started}ms)`);
          return result;
        } catch (error) {
          log('error', fn.name, `Executed 'Functions.${fn.name}' (Failed, Id=${invocationId}, Duration=${Date.now() - started}ms): ${describeError(error)}`);
          throw error;
        } finally {
          clearTimeout(overrun);
        }
      })();
      track(run);
      return run;
    };

    const summaries: FunctionSummary[] = [];
    const routes = httpFunctions(functions.filter((fn) => kindOf(fn) === 'http'), (fn) => resolve(fn, 'route', fn.name));
    const apiPrefix = hostJson.routePrefix ? `/${hostJson.routePrefix}` : '';

    const timers: Cron[] = [];
    const startTimers: Array<() => unknown> = [];
    for (const fn of functions.filter((f) => kindOf(f) === 'timer')) {
      const schedule = resolve(fn, 'schedule');
      const timer = createTimer({
        schedule,
        where: `function ${fn.name} schedule`,
        ...(settings.WEBSITE_TIME_ZONE ? { timezone: settings.WEBSITE_TIME_ZONE } : {}),
        run: (info) => invoke(fn, info, `Timer fired at ${new Date().toISOString()}`),
        onSkipped: () => log('warning', fn.name, 'an occurrence was skipped: the previous run was still going'),
      });
      timers.push(timer);
      startTimers.push(() => timer.resume(), ...(fn.trigger.runOnStartup === true ? [() => timer.trigger()] : []));
      summaries.push({ name: fn.name, trigger: 'timer', detail: `schedule ${shown(fn, 'schedule', `"${schedule}"`)}, next run ${timer.nextRun()?.toISOString()}` });
    }

    const subscribers: Array<() => { close(): Promise<void> }> = [];
    for (const fn of functions.filter((f) => kindOf(f) === 'serviceBus')) {
      const { topicName, isSessionsEnabled, cardinality } = fn.trigger;
      if (topicName !== undefined || isSessionsEnabled === true || String(cardinality ?? 'one').toLowerCase() !== 'one') {
        throw new HostConfigurationError(`function ${fn.name}: the local host runs single-message queue triggers only (no topics, sessions or batches)`);
      }
      const queueName = resolve(fn, 'queueName');
      const connection = resolve(fn, 'connection', 'AzureWebJobsServiceBus');
      if (queueName.toLowerCase() !== config.SMS_QUEUE.toLowerCase() || connection !== APP_CONNECTION) {
        log('warning', fn.name, `listens on ${queueName} (${connection}), but the app sends to ${config.SMS_QUEUE} (${APP_CONNECTION}); it will receive nothing`);
        continue;
      }
      subscribers.push(() =>
        smsQueue.subscribe(
          async (message) => {
            const { messageId, deliveryCount, enqueuedTimeUtc, sequenceNumber, contentType, subject } = message;
            const metadata = { messageId, deliveryCount, enqueuedTimeUtc: enqueuedTimeUtc.toISOString(), sequenceNumber, contentType, subject };
            await invoke(fn, messageInput(message), `New ServiceBus message detected on '${queueName}' (MessageId=${messageId}, DeliveryCount=${deliveryCount})`, metadata);
          },
          { maxConcurrentCalls: hostJson.maxConcurrentCalls },
        ),
      );
      summaries.push({ name: fn.name, trigger: 'serviceBus', detail: `queue ${shown(fn, 'queueName', queueName)}, connection ${connection} -> in-process queue` });
    }

    for (const { fn, route, methods } of routes) {
      summaries.push({ name: fn.name, trigger: 'http', detail: `${methods.join(',')} {api}/${route.template.replace(/^\/+/, '')}  [authLevel ${String(fn.trigger.authLevel)}; keys are not checked locally]` });
    }
    for (const fn of functions.filter((f) => kindOf(f) === 'unsupported')) {
      log('warning', fn.name, `trigger type ${fn.trigger.type} is not run by npm start; use npm run start:func for it`);
      summaries.push({ name: fn.name, trigger: 'unsupported', detail: `${fn.trigger.type}: not run by npm start` });
    }

    const devRoutes: DevRoute[] = [
      {
        path: 'dev/sms',
        handle: () =>
          dependencies.sandbox
            ? { status: 200, body: { count: dependencies.sandbox.sent.length, sms: dependencies.sandbox.sent.map((sms) => ({ ...sms, to: maskPhone(sms.to) })) } }
            : { status: 404, body: problem(404, 'Vonage is configured (VONAGE_API_KEY), so there is no local SMS sandbox') },
      },
      {
        path: 'dev/queue',
        handle: () => ({
          status: 200,
          body: {
            queues: [smsQueue].map((queue) => ({
              connection: APP_CONNECTION,
              name: queue.name,
              ...queue.counts(),
              duplicatesDropped: queue.duplicatesDropped,
              maxDeliveryCount: queue.maxDeliveryCount,
              // Without bodies: they hold phone numbers.
              pending: queue.pending().map(({ body: _, ...message }) => message),
              deadLetters: queue.deadLetters.map(({ body: _, ...message }) => message),
            })),
          },
        }),
      },
    ];

    const server = http.createServer(createHttpListener({ routes, routePrefix: hostJson.routePrefix, devRoutes, rootRedirect: `${apiPrefix}/console/`, invoke, track, log: (line) => log('information', 'http', line) }));
    server.keepAliveTimeout = 5000;
    const port = options.port ?? config.PORT;
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new HostConfigurationError(`port ${port} is already in use (is func start or another npm start running?); set PORT to another port`) : error),
      );
      server.listen(port, '127.0.0.1', resolveListen);
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const apiUrl = `${url}${apiPrefix}`;
    for (const summary of summaries) summary.detail = summary.detail.replace('{api}', apiUrl);

    const hookData = {};
    for (const hook of hooksFor('appStart')) await hook({ hookData, appHookData: hookData, functionAppDirectory: appRoot });
    const subscriptions = subscribers.map((subscribe) => subscribe());
    startTimers.forEach((start) => start());

    let stopping: Promise<void> | undefined;
    const drainTimeoutMs = hostJson.functionTimeoutMs ?? 5 * 60_000; // how long stop() waits for running invocations
    const host: LocalHost = {
      url,
      apiUrl,
      settings,
      config,
      functions: summaries,
      dependencies,
      sandbox: dependencies.sandbox,
      queue: smsQueue,
      stop() {
        stopping ??= (async () => {
          log('information', 'host', 'stopping: no new timer runs, HTTP requests or queue deliveries');
          const closing = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
          server.closeIdleConnections();
          timers.forEach((timer) => timer.stop());
          await Promise.all(subscriptions.map((s) => s.close()));
          if (running.size > 0) log('information', 'host', `waiting for ${running.size} running invocation(s) to finish`);
          const deadline = new Promise<boolean>((r) => setTimeout(() => r(true), drainTimeoutMs).unref());
          if (await Promise.race([Promise.allSettled([...running]).then(() => false), deadline])) log('warning', 'host', `${running.size} invocation(s) still running after ${formatDuration(drainTimeoutMs)}; stopping anyway`);
          for (const hook of hooksFor('appTerminate')) await Promise.resolve(hook({ hookData, appHookData: hookData })).catch((error: unknown) => log('error', 'host', `appTerminate hook failed: ${describeError(error)}`));
          const left = smsQueue.pending().length;
          if (left > 0) log('warning', 'service bus', `${left} message(s) on in-process queue ${smsQueue.name} are dropped; polls hand notifications still queued, or scheduled, to the queue again 10 minutes after they were due`);
          server.closeAllConnections();
          await closing;
          await closeRelay().catch(() => {});
          await dependencies.stop().catch(() => {});
          log('information', 'host', 'stopped');
        })();
        return stopping;
      },
    };
    printBanner((line) => writeLine(line, 'information'), host, files.length);
    return host;
  } catch (error) {
    await closeRelay().catch(() => {});
    await dependencies.stop().catch(() => {});
    throw error;
  }
}

function printBanner(say: (line: string) => void, host: LocalHost, fileCount: number): void {
  const width = Math.max(...host.functions.map((f) => f.name.length), 8);
  const label = { http: 'http', timer: 'timer', serviceBus: 'service bus', unsupported: 'unsupported' };
  say('');
  say(`Repair Relay local host  (${fileCount} function file(s))`);
  say('Functions:');
  for (const kind of ['timer', 'serviceBus', 'http', 'unsupported'] as const) {
    for (const fn of host.functions.filter((f) => f.trigger === kind)) say(`  ${fn.name.padEnd(width)}  ${label[kind].padEnd(11)}  ${fn.detail}`);
  }
  say('Local endpoints (this host only, not Azure Functions):');
  say(`  GET ${host.apiUrl}/dev/sms     SMS the sandbox received (numbers masked)`);
  say(`  GET ${host.apiUrl}/dev/queue   in-process queue: pending, scheduled, dead-lettered`);
  say('Dependencies:');
  const [client, ledger, ...others] = host.dependencies.describe(true);
  const named = isSet(host.settings.SERVICEBUS_CONNECTION) || isSet(host.settings.SERVICEBUS_CONNECTION__fullyQualifiedNamespace);
  const serviceBus = `${'Service Bus'.padEnd(16)}embedded    in-process queue ${host.config.SMS_QUEUE} (duplicate detection ${formatDuration(host.queue.duplicateDetectionWindowMs)}, max delivery count ${host.queue.maxDeliveryCount})`;
  for (const line of [client, ledger, serviceBus + (named ? '; SERVICEBUS_CONNECTION is set but npm start always uses its in-process queue' : ''), ...others]) say(`  ${line}`);
  if (host.config.CONSOLE_LOCAL_OWNER === 'true') say(`Console: ${host.apiUrl}/console/ (signed in as local owner)`);
  say(`Ready: ${host.apiUrl}   (Ctrl+C stops the host; try \`npm run demo\`, then watch for the courtesy SMS)`);
  say('');
}
