/**
 * The app's entry point (package.json `main`): loading it registers every function. Each import
 * below is one business area's function file; edge helpers live in `./http` and register nothing.
 */
import './feedback/vonageInboundSms.js';
import './health/health.js';
import './jobs/changeJobStatus.js';
import './jobs/closeJob.js';
import './jobs/getJob.js';
import './jobs/pollClientJobs.js';
import './notifications/sendSms.js';
import './notifications/vonageDeliveryReceipt.js';
import './payments/payments.js';
import './stats/getStats.js';
import './stats/recordStatsBatch.js';
import './stats/recordStatsMessage.js';
