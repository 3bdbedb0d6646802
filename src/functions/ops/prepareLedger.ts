import { app, type InvocationContext, type Timer } from '@azure/functions';
import { prepareLedger } from '../../compositionRoot.js';
import { getRelay } from '../../processRelay.js';

export async function prepareLedgerHandler(_timer: Timer, context: InvocationContext): Promise<void> {
  const applied = await prepareLedger((await getRelay()).config);
  context.log('ledger prepared', JSON.stringify({ applied }));
}

// The ledger's deployment step, off the worker's start. A timer runs on one instance at a time
// (the host holds a blob lease for it), so runOnStartup runs it once each time the app starts
// (every deployment and settings change); every 5 minutes it retries a run that failed, and on a
// current ledger it only reads schema_migrations.
app.timer('prepareLedger', { schedule: '0 */5 * * * *', runOnStartup: true, handler: prepareLedgerHandler });
