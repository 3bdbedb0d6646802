/**
 * Values the local host, `npm run deps`, `npm run pay` and local.settings.sample.json share. None of
 * them is a secret: they only ever unlock servers that run on this machine.
 */

/** Signs and verifies payment callbacks when PAYMENT_WEBHOOK_SECRET is unset on a local run. */
export const LOCAL_PAYMENT_WEBHOOK_SECRET = 'local-payment-webhook-secret';

/** Credentials of the local SMS sandbox. */
export const LOCAL_VONAGE_API_KEY = 'local-sandbox';
export const LOCAL_VONAGE_API_SECRET = 'local-sandbox-secret';

/** Fixed ports `npm run deps` uses so that local.settings.json can name them for `func start`. */
export const LOCAL_DEPS_COSMOS_PORT = 8081;
export const LOCAL_DEPS_SMS_SANDBOX_PORT = 7072;

/** Where `npm start` keeps the embedded Cosmos server's documents between runs (relative to the app root). */
export const LOCAL_COSMOS_SNAPSHOT = '.local/cosmos-snapshot.json';
