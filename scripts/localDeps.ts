/**
 * `npm run deps`: the dependencies `func start` needs on this machine, on the fixed addresses
 * local.settings.sample.json names: the embedded Cosmos DB server on https://127.0.0.1:8081 (the
 * emulator's port and key) and the Vonage sandbox (SMS and Messages APIs) on http://127.0.0.1:7072, the mail sink on
 * smtp://127.0.0.1:7073, plus both MySQL databases
 * and the client's Jobs table. Service Bus is not here: func start needs the Service Bus emulator or
 * a namespace (SERVICEBUS_CONNECTION), and Azurite for AzureWebJobsStorage (npm run azurite).
 */
import { cosmosStateDir, embeddedDependencies } from '../dev/dependencies.js';
import { describeError, findAppRoot } from '../dev/settings.js';
import { LOCAL_DEPS_COSMOS_PORT, LOCAL_DEPS_MAIL_SINK_PORT, LOCAL_DEPS_SMS_SANDBOX_PORT } from '../dev/defaults.js';

async function main(): Promise<void> {
  const settings: Record<string, string | undefined> = { ...process.env };
  const stateDir = cosmosStateDir(findAppRoot(__dirname));
  const print = (line: string) => console.log(`[${new Date().toISOString().slice(11, 23)}] ${line}`);
  const deps = await embeddedDependencies(settings, {
    cosmosPort: LOCAL_DEPS_COSMOS_PORT,
    sandboxPort: LOCAL_DEPS_SMS_SANDBOX_PORT,
    mailSinkPort: LOCAL_DEPS_MAIL_SINK_PORT,
    ...(stateDir ? { cosmosStateDir: stateDir } : {}),
    onSms: print,
    onMessage: print,
    onMail: print,
  });
  console.log('Local dependencies for func start:');
  // The secrets come from local.settings.json under func start, not from here.
  for (const line of deps.describe(false).filter((l) => !/^(payments|Vonage webhooks)\b/.test(l))) {
    console.log(`  ${line}`);
  }
  console.log('Service Bus is not embedded for func start: use the Service Bus emulator or a namespace (SERVICEBUS_CONNECTION).');
  console.log('Ctrl+C stops them.');
  const stop = () => {
    deps.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`npm run deps failed: ${describeError(error)}`);
  process.exit(1);
});
