/**
 * Values the local host, `npm run deps`, `npm run pay` and local.settings.sample.json share. None of
 * them is a secret: they only ever unlock servers that run on this machine.
 */

export { LOCAL_PAYMENT_WEBHOOK_SECRET, LOCAL_PHONE_KEY_SECRET, LOCAL_STRIPE_WEBHOOK_SECRET, LOCAL_TRACKING_LINK_SECRET, LOCAL_VONAGE_API_SECRET } from '../src/knownLocalSecrets.js';

/** The local SMS sandbox's API key (its secret is a known local secret, above). */
export const LOCAL_VONAGE_API_KEY = 'local-sandbox';

/** The local Vonage application the sandbox takes Messages API JWTs from; its key pair is generated at each start. */
export const LOCAL_VONAGE_APPLICATION_ID = 'local-sandbox-application';
/** Our WhatsApp number on a local run (a UK drama number, never a real line). */
export const LOCAL_WHATSAPP_NUMBER = '+447700900999';
/** Sender of notification email on a local run (the sample settings' value). */
export const LOCAL_EMAIL_FROM = 'Repair Relay <notify@repair-relay.localhost>';

/** Fixed ports `npm run deps` uses so that local.settings.json can name them for `func start`. */
export const LOCAL_DEPS_COSMOS_PORT = 8081;
export const LOCAL_DEPS_SMS_SANDBOX_PORT = 7072;
export const LOCAL_DEPS_MAIL_SINK_PORT = 7073;

/** Where `npm start` keeps the embedded Cosmos server's journals, one per ledger database (relative to the app root). */
export const LOCAL_COSMOS_STATE_DIR = '.local';

/**
 * The client's `Jobs` table exactly as seed 000 describes it. Repair Relay never creates it in a
 * real client system: only the tests, the local host and the demo create it in a local database.
 */
export const CLIENT_JOBS_DDL = `CREATE TABLE Jobs (
  Job_id INT NOT NULL PRIMARY KEY,
  Job_type VARCHAR(255) NULL,
  Job_status VARCHAR(255) NULL,
  Client_firstname VARCHAR(255) NULL,
  Client_lastname VARCHAR(255) NULL,
  Client_postcode VARCHAR(255) NULL,
  Client_mobile VARCHAR(255) NULL,
  Product_id VARCHAR(255) NULL,
  Product_type VARCHAR(255) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

/** `npm start` without BUSINESS_HOURS: the business is always open (DESIGN.md, Contact windows). */
export const LOCAL_BUSINESS_HOURS = 'Mon-Sun 00:00-24:00';
