import mysql from 'mysql2/promise';
import { maskPhone, toE164 } from '../../src/domain/shared/phone.js';
import { prepareClientDatabase } from '../../dev/mysql.js';
import { HmacTrackingTokens } from '../../src/adapters/signatures/trackingTokens.js';
import type { AppConfig } from '../../src/config.js';
import { LOCAL_TRACKING_LINK_SECRET } from '../../src/knownLocalSecrets.js';

/**
 * Realistic jobs as the client's system would create them: three UK mobiles written three ways
 * (all valid GB mobiles for libphonenumber-js) and one customer who gave no mobile.
 */
export const DEMO_JOBS: ReadonlyArray<{ type: string; firstName: string; lastName: string; postcode: string; mobile: string | null; productId: string; productType: string }> = [
  { type: 'warranty repair', firstName: 'Amelia', lastName: 'Hughes', postcode: 'SG13 7TZ', mobile: '07770 123456', productId: 'WM-4471', productType: 'washing machine' },
  { type: 'chargeable repair', firstName: 'Oliver', lastName: 'Patel', postcode: 'LS6 2QP', mobile: '+44 7911 123789', productId: 'DW-2208', productType: 'dishwasher' },
  { type: 'warranty repair', firstName: 'Grace', lastName: "O'Neill", postcode: 'CF10 1AA', mobile: '07789234567', productId: 'TD-9310', productType: 'tumble dryer' },
  { type: 'chargeable repair', firstName: 'Harry', lastName: 'Wilson', postcode: 'EH1 1YZ', mobile: null, productId: 'FF-1187', productType: 'fridge freezer' },
];

/** A row of the client's `Jobs` table as the demo writes it. */
export type DemoJob = (typeof DEMO_JOBS)[number] & { id: number };

/**
 * Creates the local client database and `Jobs` table if needed, then inserts the demo jobs as NEW
 * with ids above the current highest, so the next poll finds them.
 */
export async function runDemo(clientUrl: string): Promise<{ jobs: DemoJob[]; createdJobsTable: boolean }> {
  const { createdJobsTable } = await prepareClientDatabase(clientUrl);
  const connection = await mysql.createConnection({ uri: clientUrl });
  try {
    await connection.beginTransaction();
    const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT COALESCE(MAX(Job_id), 0) AS maxId FROM Jobs FOR UPDATE');
    const jobs = DEMO_JOBS.map((job, i) => ({ ...job, id: Number(rows[0]?.maxId ?? 0) + i + 1 }));
    await connection.query(
      'INSERT INTO Jobs (Job_id, Job_type, Job_status, Client_firstname, Client_lastname, Client_postcode, Client_mobile, Product_id, Product_type) VALUES ?',
      [jobs.map((j) => [j.id, j.type, 'NEW', j.firstName, j.lastName, j.postcode, j.mobile, j.productId, j.productType])],
    );
    await connection.commit();
    return { jobs, createdJobsTable };
  } finally {
    await connection.end(); // without a commit the insert is rolled back
  }
}

/** One line per job for people: never the whole phone number. */
export function describeDemoJob(job: DemoJob): string {
  const phone = job.mobile === null ? 'no mobile' : toE164(job.mobile).ok ? `mobile ${maskPhone(job.mobile)}` : `unusable number ${maskPhone(job.mobile)}`;
  return `job ${job.id}: ${job.firstName} ${job.lastName.charAt(0)}., ${job.productType} (${job.type}), ${phone}`;
}

/**
 * The customer page link a local host's courtesy SMS carries for this job: keyed as `npm start`
 * keys it (TRACKING_LINK_SECRET, else the local default it sets), under PUBLIC_BASE_URL
 * (http://127.0.0.1:<PORT> by default).
 */
export function demoPageLink(config: Pick<AppConfig, 'PUBLIC_BASE_URL' | 'PORT'>, env: NodeJS.ProcessEnv, jobId: number): string {
  const tokens = new HmacTrackingTokens(env.TRACKING_LINK_SECRET?.trim() || LOCAL_TRACKING_LINK_SECRET, config.PUBLIC_BASE_URL ?? `http://127.0.0.1:${config.PORT}`);
  return tokens.urlOf(tokens.tokenFor(jobId));
}
