import { ensureConsoleBuilt } from '../support/consoleBuild.js';

/**
 * The console's build (dist/web), made once before any test file runs when it is missing or older
 * than web/: the browser tests' hosts serve it, and two files building it at once would race.
 */
export default async function buildConsole(): Promise<void> {
  await ensureConsoleBuilt();
}
