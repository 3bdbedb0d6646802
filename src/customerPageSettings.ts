import { z } from 'zod';

/** The shortest TRACKING_LINK_SECRET accepted: as long as PHONE_KEY_SECRET's minimum. */
export const MIN_TRACKING_LINK_SECRET_LENGTH = 32;

/**
 * The customer page's settings (issue 25), part of configSchema. A job message's link is
 * `PUBLIC_BASE_URL/api/t/<token>`; the token is an HMAC of the job keyed by TRACKING_LINK_SECRET.
 */
export const customerPageSettings = {
  /** The app's public origin, e.g. https://relay.example.com; unset: https://<WEBSITE_HOSTNAME> in Azure, http://127.0.0.1:<PORT> (the local host) elsewhere. */
  PUBLIC_BASE_URL: z
    .url()
    .refine((value) => /^https?:\/\/[^/?#]+\/?$/.test(value), 'must be an origin such as https://relay.example.com, without a path')
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  /** Keys the tracking tokens and the page's form tokens; unset: derived from PHONE_KEY_SECRET (docs/customer-page.md). */
  TRACKING_LINK_SECRET: z
    .string()
    .min(MIN_TRACKING_LINK_SECRET_LENGTH, `must be at least ${MIN_TRACKING_LINK_SECRET_LENGTH} characters (for example \`openssl rand -hex 32\`)`)
    .optional(),
  /** Days a job's link keeps working after the job closes. */
  TRACKING_LINK_DAYS_AFTER_CLOSE: z.coerce.number().int().min(1).max(3650).default(30),
};

/** The public origin when PUBLIC_BASE_URL is unset: the App Service host name in Azure, the local host's port elsewhere. */
export function defaultPublicBaseUrl(env: NodeJS.ProcessEnv, port: number): string {
  const host = env.WEBSITE_HOSTNAME?.trim();
  return host ? `https://${host}` : `http://127.0.0.1:${port}`;
}
