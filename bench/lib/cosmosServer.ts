/**
 * Runs the embedded Cosmos server (test/kit/cosmos.ts) in a process of its own, as Cosmos DB
 * is a separate service in production: its request handling then does not share the bench's event
 * loop. Reports its endpoint to the parent over IPC and stops when the parent disconnects.
 */
import { startLocalCosmos } from '../../test/kit/cosmos.js';

void startLocalCosmos().then((cosmos) => {
  process.send?.({ endpoint: cosmos.endpoint });
  const stop = () => {
    void cosmos.stop().finally(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
});
