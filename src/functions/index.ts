/**
 * The app's entry point (package.json `main`): loading it registers every function. Each import
 * below is one business area's function file; edge helpers live in `./http` and register nothing.
 */
import { app } from '@azure/functions';
import { startRelay } from '../processRelay.js';
import './broadcasts/sendBroadcast.js';
import './console/consoleFailures.js';
import './console/consoleInbox.js';
import './console/consoleJobs.js';
import './console/consoleMessages.js';
import './console/staffMe.js';
import './customerPage/assets.js';
import './customerPage/customerPage.js';
import './customerPage/customerPageForms.js';
import './customers/createCustomer.js';
import './customers/getCustomer.js';
import './customers/nextSendTime.js';
import './customers/replaceSubscriptions.js';
import './customers/updateCustomer.js';
import './channels/addChannelGateway.js';
import './channels/listChannels.js';
import './channels/updateChannelGateway.js';
import './console/consoleAssets.js';
import './discounts/claimDiscountCode.js';
import './discounts/generateDiscountCodes.js';
import './discounts/getDiscountCodes.js';
import './discounts/lookUpDiscountCode.js';
import './discounts/redeemDiscountCode.js';
import './feedback/listFeedback.js';
import './feedback/staffFeedback.js';
import './feedback/vonageInboundSms.js';
import './feedback/vonageMessagesInbound.js';
import './health/health.js';
import './inbox/listInbox.js';
import './inbox/updateInboxMessage.js';
import './jobs/changeJobStatus.js';
import './jobs/closeJob.js';
import './jobs/getJob.js';
import './jobs/pollClientJobs.js';
import './notifications/deadLetters.js';
import './notifications/listNotifications.js';
import './notifications/sendNotification.js';
import './notifications/vonageDeliveryReceipt.js';
import './notifications/vonageMessagesStatus.js';
import './ops/prepareLedger.js';
import './payments/payments.js';
import './payments/stripeWebhook.js';
import './stats/getStats.js';
import './stats/staffRunaway.js';
import './stats/staffStats.js';
import './stats/recordStatsBatch.js';
import './stats/recordStatsMessage.js';

// Settings are validated and the relay built when the app starts, so a bad configuration fails the
// start (in Azure too) rather than the first request. The ledger's schema is the prepareLedger
// function's work, never the start's.
app.hook.appStart(async () => {
  await startRelay();
});
