import { app } from '@azure/functions';
import http from 'node:http';
import path from 'node:path';
import { buildRelay, getRelay, provideRelay, type Relay } from '../compositionRoot.js';
import { configSchema, loadConfig, type AppConfig } from '../config.js';
import { maskPhone } from '../domain/shared/phone.js';
import { embeddedDependencies, type LocalDependencies } from './dependencies.js';
import { findFunctionFiles, packageMain } from './functionFiles.js';
import { installFunctionsCore, type CoreLogLevel, type LocalFunctionsCore, type RegisteredFunction, type RpcTypedData } from './functionsCore.js';
import { buildHttpRoutes, createHttpListener, listen, routeOf, type DevRoute, type HttpRoute } from './httpHost.js';
import { findAppRoot, HostConfigurationError, readHostJson, resolveSettingReferences, type HostJsonSettings } from './hostSettings.js';
import { describeError, Invoker, type HostLog } from './invocation.js';
import { formatDuration, LocalServiceBus, LocalSmsQueue, type LocalMessage, type LocalQueue, type QueueSubscription } from './localServiceBus.js';
import { parseTimerSchedule, TimerRunner } from './timerTrigger.js';
import type { VonageSandbox } from './vonageSandbox.js';

/**
 * The local host behind `npm start`: it loads the app's compiled function files the way the Azure
 * Functions Node.js worker does and drives their handlers through the `@azure/functions` library,
 * with HTTP triggers on a local port, timer triggers on their NCRONTAB schedules and Service Bus
 * queue triggers fed by an in-process queue. Cosmos DB and the Vonage SMS API are embedded when not
 * configured; MySQL must be running.
 */

export interface LocalHostOptions {
  /** App settings; default process.env. The host never changes the object it is given. */
  env?: NodeJS.ProcessEnv;
  /** The function app's root (package.json, host.json); default: found above this file. */
  appRoot?: string;
  /** Globs of function files relative to appRoot; default package.json `main`. `[]` loads none. */
  functionFiles?: string | string[];
  /** How a function file is loaded; default `require` (the worker's way for CommonJS), `import()` for .mjs. */
  importModule?: (file: string) => Promise<unknown>;
  /** HTTP port; default the PORT setting (7071). 0 picks a free port. */
  port?: number;
  /** Interface the HTTP server listens on; default 127.0.0.1 (this machine only). */
  hostname?: string;
  /** Keep the embedded Cosmos server's documents in this file between runs; default: memory only. */
  cosmosSnapshotPath?: string;
  /** Where log lines go; default the console. */
  log?: (line: string, level: CoreLogLevel) => void;
  /** Max deliveries of a queue message before it is dead-lettered; default LOCAL_QUEUE_MAX_DELIVERY_COUNT or 10. */
  maxDeliveryCount?: number;
  /** Duplicate detection window of the in-process queue; default 2 hours. */
  duplicateDetectionWindowMs?: number;
  /** How long stop() waits for running invocations; default the host.json functionTimeout. */
  drainTimeoutMs?: number;
  /** Also write the effective settings (embedded endpoints, defaults) into process.env, as the CLI does. */
  exportSettingsToProcessEnv?: boolean;
  /** Print the start-up summary; default true. */
  banner?: boolean;
}

export type TriggerKind = 'http' | 'timer' | 'serviceBus' | 'unsupported';

export interface FunctionSummary {
  name: string;
  trigger: TriggerKind;
  triggerType: string;
  /** One line for people: route and methods, schedule, or queue. */
  detail: string;
  source?: string;
}

export interface LocalHost {
  /** Base URL, e.g. http://127.0.0.1:7071 (functions are under `${url}/api`). */
  url: string;
  apiUrl: string;
  appRoot: string;
  /** The effective app settings, including embedded endpoints and local defaults. Holds secrets: never print it. */
  settings: Readonly<Record<string, string | undefined>>;
  config: AppConfig;
  functions: FunctionSummary[];
  dependencies: LocalDependencies;
  /** The SMS sandbox, when Vonage is not configured. */
  sandbox: VonageSandbox | undefined;
  /** The in-process queue the app sends SMS messages to (SMS_QUEUE). */
  queue: LocalQueue;
  serviceBus: LocalServiceBus;
  relay: Relay;
  /** Stops triggers and the HTTP server, lets running invocations finish, closes the relay and embedded servers. */
  stop(): Promise<void>;
}

const SERVICE_BUS_DEFAULT_CONNECTION = 'AzureWebJobsServiceBus';
/** The connection name the app's own sender uses (compositionRoot reads SERVICEBUS_CONNECTION). */
const APP_SENDER_CONNECTION = 'SERVICEBUS_CONNECTION';

function defaultLog(line: string, level: CoreLogLevel): void {
  if (level === 'error' || level === 'critical') console.error(line);
  else if (level === 'warning') console.warn(line);
  else console.log(line);
}

function clock(): string {
  return new Date().toISOString().slice(11, 23);
}

/** Fails when `@azure/functions` in this process is bound to some other `@azure/functions-core`. */
function assertLibraryUsesCore(core: LocalFunctionsCore): void {
  const before = core.hooksFor('appTerminate').length;
  const probe = app.hook.appTerminate(() => {});
  const bound = core.hooksFor('appTerminate').length > before;
  probe.dispose();
  if (!bound) {
    throw new HostConfigurationError(
      '@azure/functions in this process already talks to another @azure/functions-core, so the local host cannot see its registrations; start the host before anything calls app.*',
    );
  }
}

function defaultImport(file: string): Promise<unknown> {
  if (file.endsWith('.mjs')) return import(file);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return Promise.resolve(require(file) as unknown);
}

function triggerKind(fn: RegisteredFunction): TriggerKind {
  switch (fn.trigger.type.toLowerCase()) {
    case 'httptrigger':
      return 'http';
    case 'timertrigger':
      return 'timer';
    case 'servicebustrigger':
      return 'serviceBus';
    default:
      return 'unsupported';
  }
}

function messageTriggerData(message: LocalMessage): RpcTypedData {
  return typeof message.body === 'string' ? { string: message.body } : { bytes: message.body };
}

/** The trigger metadata the Service Bus extension sends with each message (the library camel-cases the keys). */
function messageTriggerMetadata(message: LocalMessage): Record<string, RpcTypedData> {
  const properties = JSON.stringify(message.applicationProperties);
  return {
    MessageId: { string: message.messageId },
    DeliveryCount: { int: message.deliveryCount },
    EnqueuedTimeUtc: { string: message.enqueuedTimeUtc.toISOString() },
    ExpiresAtUtc: { string: message.expiresAtUtc.toISOString() },
    SequenceNumber: { int: message.sequenceNumber },
    LockToken: { string: message.lockToken ?? '' },
    ApplicationProperties: { json: properties },
    UserProperties: { json: properties },
    ...(message.contentType ? { ContentType: { string: message.contentType } } : {}),
    ...(message.subject ? { Subject: { string: message.subject }, Label: { string: message.subject } } : {}),
    ...(message.correlationId ? { CorrelationId: { string: message.correlationId } } : {}),
    ...(message.scheduledEnqueueTimeUtc ? { ScheduledEnqueueTimeUtc: { string: message.scheduledEnqueueTimeUtc.toISOString() } } : {}),
  };
}

function positiveIntSetting(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new HostConfigurationError(`${name} must be a whole number of at least 1, not "${value}"`);
  return n;
}

export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  const writeLine = options.log ?? defaultLog;
  const log: HostLog = (level, source, message) => writeLine(`[${clock()}] [${source}] ${message}`, level);
  const say = (message: string) => writeLine(message, 'information');

  const core = installFunctionsCore();
  assertLibraryUsesCore(core);
  core.systemLog = (level, message) => log(level, 'worker', message);

  const appRoot = options.appRoot ?? findAppRoot(__dirname);
  const hostJson = readHostJson(appRoot);
  const settings: Record<string, string | undefined> = { ...(options.env ?? process.env) };

  // Settings are validated before anything starts, so a typo is reported before servers come up.
  loadConfig(settings);
  const maxDeliveryCount = options.maxDeliveryCount ?? positiveIntSetting(settings.LOCAL_QUEUE_MAX_DELIVERY_COUNT, 'LOCAL_QUEUE_MAX_DELIVERY_COUNT') ?? 10;

  const dependencies = await embeddedDependencies(settings, {
    ...(options.cosmosSnapshotPath ? { cosmosSnapshotPath: options.cosmosSnapshotPath } : {}),
    onSms: (line) => log('information', 'sms sandbox', line.replace(/^\[sms sandbox\]\s*/, '')),
  });
  const cleanups: Array<() => Promise<unknown>> = [
    async () => {
      const { cosmosSaved } = await dependencies.stop();
      if (cosmosSaved !== undefined && dependencies.cosmos?.snapshotPath) {
        log('information', 'host', `embedded Cosmos: ${cosmosSaved} document(s) saved to ${dependencies.cosmos.snapshotPath}`);
      }
    },
  ];
  const undo = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };

  try {
    const config = loadConfig(settings);
    // Every setting the app knows gets its local default, so `%NAME%` in bindings resolves like an app setting.
    for (const name of Object.keys(configSchema.shape) as Array<keyof AppConfig>) {
      if ((settings[name] ?? '').trim() === '' && config[name] !== undefined) settings[name] = String(config[name]);
    }
    if (options.exportSettingsToProcessEnv) {
      for (const [name, value] of Object.entries(settings)) if (value !== undefined) process.env[name] = value;
    }

    const serviceBus = new LocalServiceBus({
      maxDeliveryCount,
      ...(options.duplicateDetectionWindowMs === undefined ? {} : { duplicateDetectionWindowMs: options.duplicateDetectionWindowMs }),
      log: (level, message) => log(level, 'service bus', message),
    });
    cleanups.push(async () => serviceBus.close());
    const smsQueue = serviceBus.queue(APP_SENDER_CONNECTION, config.SMS_QUEUE);
    const relayQueue = new LocalSmsQueue(smsQueue);

    provideRelay(() => buildRelay(config, { queue: relayQueue }));
    const relay = await getRelay();
    cleanups.push(async () => {
      await relay.close();
      provideRelay(() => Promise.reject(new Error('the local host has stopped')));
    });

    // Load the function files as the worker does, then let the library report its capabilities.
    const patterns = options.functionFiles === undefined ? [packageMain(appRoot)] : [options.functionFiles].flat();
    const files = patterns.flatMap((pattern) => findFunctionFiles(appRoot, pattern));
    const importModule = options.importModule ?? defaultImport;
    for (const file of files) {
      core.loadingFile = file;
      try {
        await importModule(file);
      } catch (error) {
        throw new HostConfigurationError(`loading function file ${path.relative(appRoot, file)} failed: ${describeError(error)}`);
      } finally {
        core.loadingFile = undefined;
      }
    }
    const capabilities = await core.programmingModel?.getCapabilities?.({});
    if (capabilities?.HttpUri) throw new HostConfigurationError('HTTP streaming (app.setup({ enableHttpStream: true })) is not supported by the local host');
    const registered = core.getFunctions().sort((a, b) => a.name.localeCompare(b.name));
    if (registered.length === 0) throw new HostConfigurationError(`no functions registered by ${patterns.join(', ')}`);
    if (!core.programmingModel) throw new HostConfigurationError('@azure/functions never set its programming model');

    const invoker = new Invoker(core, log, hostJson.functionTimeoutMs);
    const summaries: FunctionSummary[] = [];
    const relSource = (fn: RegisteredFunction) => (fn.source ? path.relative(appRoot, fn.source) : undefined);

    // HTTP triggers.
    const routes: HttpRoute[] = buildHttpRoutes(
      registered.filter((fn) => triggerKind(fn) === 'http'),
      (fn) => resolveSettingReferences(routeOf(fn), settings, `function ${fn.name} route`),
    );

    // Timer triggers.
    const timers: Array<{ fn: RegisteredFunction; runner: TimerRunner; schedule: string; raw: string }> = [];
    for (const fn of registered.filter((f) => triggerKind(f) === 'timer')) {
      const raw = String(fn.trigger.schedule ?? '');
      const expression = resolveSettingReferences(raw, settings, `function ${fn.name} schedule`);
      const schedule = parseTimerSchedule(expression, `function ${fn.name} schedule`, settings.WEBSITE_TIME_ZONE ? { timezone: settings.WEBSITE_TIME_ZONE } : {});
      const runner = new TimerRunner({
        schedule,
        runOnStartup: fn.trigger.runOnStartup === true,
        invoke: (timer, reason) => invoker.invoke(fn, { triggerData: { json: JSON.stringify(timer) }, reason }),
        onSkipped: (count, next) =>
          log('warning', fn.name, `skipped ${count} occurrence(s) while the previous run was still going; next run ${next.toISOString()}`),
      });
      timers.push({ fn, runner, schedule: expression, raw });
    }

    // Service Bus queue triggers.
    const queueTriggers: Array<{ fn: RegisteredFunction; queue: LocalQueue; connection: string; queueName: string; raw: string }> = [];
    for (const fn of registered.filter((f) => triggerKind(f) === 'serviceBus')) {
      const where = `function ${fn.name}`;
      if (fn.trigger.topicName !== undefined) throw new HostConfigurationError(`${where}: Service Bus topic triggers are not supported by the local host`);
      if (fn.trigger.isSessionsEnabled === true) throw new HostConfigurationError(`${where}: session-enabled queues are not supported by the local host`);
      if (fn.trigger.cardinality !== undefined && String(fn.trigger.cardinality).toLowerCase() !== 'one') {
        throw new HostConfigurationError(`${where}: batched (cardinality "many") Service Bus triggers are not supported by the local host`);
      }
      const raw = String(fn.trigger.queueName ?? '');
      if (raw.trim() === '') throw new HostConfigurationError(`${where}: the Service Bus trigger names no queue`);
      const queueName = resolveSettingReferences(raw, settings, `${where} queueName`);
      const connection = resolveSettingReferences(String(fn.trigger.connection ?? SERVICE_BUS_DEFAULT_CONNECTION), settings, `${where} connection`);
      if (!/^[A-Za-z_][A-Za-z0-9_:.-]*$/.test(connection)) {
        throw new HostConfigurationError(`${where}: connection must name an app setting, not "${connection}"`);
      }
      if (!serviceBus.has(connection, queueName)) {
        log('warning', fn.name, `listens on queue ${queueName} (connection ${connection}), but the app sends to ${config.SMS_QUEUE} on ${APP_SENDER_CONNECTION}; it will receive nothing`);
      }
      queueTriggers.push({ fn, queue: serviceBus.queue(connection, queueName), connection, queueName, raw });
    }

    for (const fn of registered.filter((f) => triggerKind(f) === 'unsupported')) {
      log('warning', fn.name, `trigger type ${fn.trigger.type} is not run by the local host; use npm run start:func for it`);
    }
    if (!hostJson.serviceBus.autoCompleteMessages && queueTriggers.length > 0) {
      log('warning', 'host', 'host.json sets autoCompleteMessages false; the local host still completes a message when its handler succeeds');
    }

    // Local-only routes.
    const devRoutes: DevRoute[] = [
      {
        method: 'GET',
        path: 'dev/sms',
        describe: 'SMS the local sandbox received (numbers masked)',
        handle: () =>
          dependencies.sandbox
            ? {
                status: 200,
                body: {
                  count: dependencies.sandbox.sent.length,
                  sms: dependencies.sandbox.sent.map((sms) => ({
                    messageId: sms.messageId,
                    to: maskPhone(sms.to),
                    from: sms.from,
                    text: sms.text,
                    ...(sms.clientRef ? { clientRef: sms.clientRef } : {}),
                    price: sms.price,
                    at: sms.at,
                  })),
                },
              }
            : { status: 404, body: { type: 'about:blank', title: 'Not Found', status: 404, detail: 'Vonage is configured (VONAGE_API_KEY), so there is no local SMS sandbox' } },
      },
      {
        method: 'GET',
        path: 'dev/queue',
        describe: 'the in-process Service Bus queues: pending, scheduled and dead-lettered messages',
        handle: () => ({
          status: 200,
          body: {
            queues: serviceBus.all().map(({ connection, queue }) => ({
              connection,
              name: queue.name,
              ...queue.counts(),
              duplicatesDropped: queue.duplicatesDropped,
              maxDeliveryCount: queue.maxDeliveryCount,
              pending: queue.pending().map((m) => ({
                messageId: m.messageId,
                state: m.state,
                deliveryCount: m.deliveryCount,
                enqueuedTimeUtc: m.enqueuedTimeUtc.toISOString(),
              })),
              deadLetters: queue.deadLetters.map((m) => ({
                messageId: m.messageId,
                deliveryCount: m.deliveryCount,
                deadLetterReason: m.deadLetterReason,
                deadLetterErrorDescription: m.deadLetterErrorDescription,
              })),
            })),
          },
        }),
      },
    ];

    // HTTP server.
    const server = http.createServer(createHttpListener({ routes, routePrefix: hostJson.routePrefix, invoker, devRoutes, log }));
    server.keepAliveTimeout = 5000;
    const port = options.port ?? config.PORT;
    const hostname = options.hostname ?? '127.0.0.1';
    let url: string;
    try {
      url = await listen(server, port, hostname);
    } catch (error) {
      if ((error as { code?: string }).code === 'EADDRINUSE') {
        throw new HostConfigurationError(`port ${port} is already in use (is func start or another npm start running?); set PORT to another port`);
      }
      throw error;
    }
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const apiUrl = hostJson.routePrefix ? `${url}/${hostJson.routePrefix}` : url;

    await invoker.runAppHooks('appStart', appRoot);

    const subscriptions: QueueSubscription[] = queueTriggers.map(({ fn, queue, queueName }) =>
      queue.subscribe(
        async (message) => {
          await invoker.invoke(fn, {
            triggerData: messageTriggerData(message),
            triggerMetadata: messageTriggerMetadata(message),
            reason: `New ServiceBus message detected on '${queueName}' (MessageId=${message.messageId}, DeliveryCount=${message.deliveryCount})`,
          });
        },
        { maxConcurrentCalls: hostJson.serviceBus.maxConcurrentCalls },
      ),
    );
    for (const { runner } of timers) runner.start();

    for (const route of routes) {
      const methods = route.methods?.join(',') ?? 'ANY';
      summaries.push({
        name: route.fn.name,
        trigger: 'http',
        triggerType: route.fn.trigger.type,
        detail: `${methods} ${apiUrl}/${route.route.replace(/^\/+/, '')}  [authLevel ${route.authLevel}; keys are not checked locally]`,
        ...(relSource(route.fn) ? { source: relSource(route.fn)! } : {}),
      });
    }
    for (const { fn, runner, schedule, raw } of timers) {
      summaries.push({
        name: fn.name,
        trigger: 'timer',
        triggerType: fn.trigger.type,
        detail: `schedule "${schedule}"${raw !== schedule ? ` (${raw})` : ''}${runner.nextRun ? `, next run ${runner.nextRun.toISOString()}` : ''}`,
        ...(relSource(fn) ? { source: relSource(fn)! } : {}),
      });
    }
    for (const { fn, queueName, raw, connection } of queueTriggers) {
      summaries.push({
        name: fn.name,
        trigger: 'serviceBus',
        triggerType: fn.trigger.type,
        detail: `queue ${queueName}${raw !== queueName ? ` (${raw})` : ''}, connection ${connection} -> in-process queue`,
        ...(relSource(fn) ? { source: relSource(fn)! } : {}),
      });
    }
    for (const fn of registered.filter((f) => triggerKind(f) === 'unsupported')) {
      summaries.push({ name: fn.name, trigger: 'unsupported', triggerType: fn.trigger.type, detail: 'not run by npm start (use npm run start:func)' });
    }

    let stopping: Promise<void> | undefined;
    const drainTimeoutMs = options.drainTimeoutMs ?? hostJson.functionTimeoutMs ?? 5 * 60_000;
    const host: LocalHost = {
      url,
      apiUrl,
      appRoot,
      settings,
      config,
      functions: summaries,
      dependencies,
      sandbox: dependencies.sandbox,
      queue: smsQueue,
      serviceBus,
      relay,
      stop() {
        stopping ??= (async () => {
          log('information', 'host', 'stopping: no new timer runs, HTTP requests or queue deliveries');
          const closing = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          await Promise.all([...timers.map(({ runner }) => runner.stop()), ...subscriptions.map((s) => s.close())]);
          if (invoker.inFlight > 0) log('information', 'host', `waiting for ${invoker.inFlight} running invocation(s) to finish`);
          if (!(await invoker.drain(drainTimeoutMs))) {
            log('warning', 'host', `${invoker.inFlight} invocation(s) still running after ${formatDuration(drainTimeoutMs)}; stopping anyway`);
          }
          await invoker.runAppHooks('appTerminate', appRoot).catch((error: unknown) => log('error', 'host', `appTerminate hook failed: ${describeError(error)}`));
          for (const { queue } of serviceBus.all()) {
            const left = queue.pending().length;
            if (left > 0) {
              log('warning', 'service bus', `${left} message(s) on in-process queue ${queue.name} are dropped; the next poll re-queues courtesy SMS still queued after 10 minutes`);
            }
          }
          server.closeAllConnections();
          await closing;
          cleanups.pop(); // the HTTP server is closed already
          await undo();
          log('information', 'host', 'stopped');
        })();
        return stopping;
      },
    };

    if (options.banner !== false) printBanner(say, host, hostJson, files, maxDeliveryCount, options.duplicateDetectionWindowMs);
    return host;
  } catch (error) {
    await undo();
    throw error;
  }
}

function printBanner(
  say: (line: string) => void,
  host: LocalHost,
  hostJson: HostJsonSettings,
  files: string[],
  maxDeliveryCount: number,
  duplicateWindowMs: number | undefined,
): void {
  const width = Math.max(...host.functions.map((f) => f.name.length), 8);
  const kindLabel: Record<TriggerKind, string> = { http: 'http', timer: 'timer', serviceBus: 'service bus', unsupported: 'unsupported' };
  say('');
  say(`Repair Relay local host  (app ${host.appRoot}, ${files.length} function file(s), host.json ${hostJson.file ? 'read' : 'absent: defaults'})`);
  say('Functions:');
  for (const kind of ['timer', 'serviceBus', 'http', 'unsupported'] as TriggerKind[]) {
    for (const fn of host.functions.filter((f) => f.trigger === kind)) {
      say(`  ${fn.name.padEnd(width)}  ${kindLabel[kind].padEnd(11)}  ${fn.detail}`);
    }
  }
  say('Local endpoints (this host only, not Azure Functions):');
  say(`  GET ${host.apiUrl}/dev/sms     SMS the sandbox received (numbers masked)`);
  say(`  GET ${host.apiUrl}/dev/queue   in-process queue: pending, scheduled, dead-lettered`);
  say('Dependencies:');
  for (const line of host.dependencies.describe({ maxDeliveryCount, duplicateWindowMs: duplicateWindowMs ?? 2 * 60 * 60_000, smsQueue: host.config.SMS_QUEUE })) {
    say(`  ${line}`);
  }
  say(`Ready: ${host.apiUrl}   (Ctrl+C stops the host; try \`npm run demo\`, then watch for the courtesy SMS)`);
  say('');
}
