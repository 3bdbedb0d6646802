import { ConfigError } from '../src/config.js';
import { cosmosStateDir } from './dependencies.js';
import { installFunctionsCore } from './functionsCore.js';
import { startLocalHost, type LocalHost } from './host.js';
import { LocalMysqlError } from './mysql.js';
import { watchParent } from './parentWatch.js';
import { findAppRoot, HostConfigurationError } from './settings.js';

// Like the Functions worker, provide @azure/functions-core before any function module is required.
installFunctionsCore();

/** `npm start`: runs the compiled app on this machine until Ctrl+C (SIGINT) or SIGTERM. */
async function main(): Promise<void> {
  const stateDir = cosmosStateDir(findAppRoot(__dirname));
  let host: LocalHost;
  try {
    host = await startLocalHost({ exportSettingsToProcessEnv: true, ...(stateDir ? { cosmosStateDir: stateDir } : {}) });
  } catch (error) {
    const known = error instanceof ConfigError || error instanceof HostConfigurationError || error instanceof LocalMysqlError;
    console.error(`\nnpm start could not start the local host:\n  ${known ? (error as Error).message : ((error as Error)?.stack ?? String(error))}\n`);
    process.exit(1);
  }

  let signals = 0;
  const shutdown = (why: string) => {
    if ((signals += 1) > 1) {
      console.error(`${why} again: exiting without waiting`);
      process.exit(130);
    }
    console.log(`\n${why}: shutting down (press Ctrl+C again to force)`);
    host.stop().then(
      () => process.exit(0),
      (error: unknown) => (console.error('shutdown failed:', error), process.exit(1)),
    );
  };
  process.on('SIGINT', (signal) => shutdown(`${signal} received`));
  process.on('SIGTERM', (signal) => shutdown(`${signal} received`));
  // `npm start` execs the host in place of its shell, so npm's forwarded SIGTERM or SIGINT reaches
  // it; should npm itself be killed (SIGKILL) or a shell stay between them, the host goes with its
  // parent. After Ctrl+C the whole group got the signal, and that stop is already under way.
  watchParent(() => {
    if (signals === 0) shutdown('the process that started the host (npm start) has exited');
  });
}

process.on('unhandledRejection', (reason) => console.error('unhandled rejection in the local host:', reason));
void main();
