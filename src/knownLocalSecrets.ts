/**
 * Secrets that are public because `npm start`, `npm run pay` and local.settings.sample.json use
 * them on this machine. They unlock nothing but local servers, so loadConfig refuses each of them
 * outside a local host: published with the sample settings, they would let anyone sign payments or
 * recompute phone lookup keys.
 */

/** Signs and verifies payment callbacks when PAYMENT_WEBHOOK_SECRET is unset on a local run. */
export const LOCAL_PAYMENT_WEBHOOK_SECRET = 'local-payment-webhook-secret';
/** Signs and verifies Stripe webhooks (npm run pay:stripe) when STRIPE_WEBHOOK_SECRET is unset on a local run. */
export const LOCAL_STRIPE_WEBHOOK_SECRET = 'whsec_local_repair_relay_dev_only';
/** Keys phone lookup keys when PHONE_KEY_SECRET is unset on a local run (the sample settings' value). */
export const LOCAL_PHONE_KEY_SECRET = 'local-only-phone-key-secret-never-use-in-azure';
/** Keys the customer page's tracking links when TRACKING_LINK_SECRET is unset on a local run (the sample settings' value). */
export const LOCAL_TRACKING_LINK_SECRET = 'local-only-tracking-link-secret-never-use-in-azure';
/** The local SMS sandbox's API secret. */
export const LOCAL_VONAGE_API_SECRET = 'local-sandbox-secret';

/** Each setting and the local value it must not have outside a local host. */
export const KNOWN_LOCAL_SECRETS = {
  PAYMENT_WEBHOOK_SECRET: LOCAL_PAYMENT_WEBHOOK_SECRET,
  STRIPE_WEBHOOK_SECRET: LOCAL_STRIPE_WEBHOOK_SECRET,
  PHONE_KEY_SECRET: LOCAL_PHONE_KEY_SECRET,
  TRACKING_LINK_SECRET: LOCAL_TRACKING_LINK_SECRET,
  VONAGE_API_SECRET: LOCAL_VONAGE_API_SECRET,
} as const;
