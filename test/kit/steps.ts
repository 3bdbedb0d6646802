/**
 * What each profiled port call (`<port>.<method>`, as bench/lib/profile.ts keys them) does in a
 * poll or an ingestion, in the words the reports print; a call without a name prints its key.
 */
const STEP_NAMES: Readonly<Record<string, string>> = {
  'checkpoints.read': 'checkpoint read (MySQL ledger)',
  'checkpoints.save': 'checkpoint save (MySQL ledger)',
  'clientJobs.readJobsAfter': 'forward read of Jobs by key range (MySQL client)',
  'clientJobs.readNewJobsInRange': 'look-back + sweep reads (MySQL client)',
  'notificationLog.getMany': 'notification_log marker lookup (MySQL ledger)',
  'documents.createMissing': 'Cosmos bulk create',
  'customers.findOrCreateByMobiles': 'customers find or create by mobile (MySQL ledger)',
  'customers.linkJobs': 'customer_jobs insert (MySQL ledger)',
  'transactions.append': 'job_trans insert (MySQL ledger)',
  'tracking.track': 'job_tracking insert (MySQL ledger)',
  'notificationLog.register': 'notification_log insert (MySQL ledger)',
  'queue.enqueue': 'queue enqueue (in memory)',
  'tracking.openJobsAfter': 'mirror: open jobs (MySQL ledger)',
  'clientJobs.readJobs': 'mirror: client statuses by id (MySQL client)',
  'clientJobs.moveStatuses': 'no-mobile jobs: client status update + read-back (MySQL client)',
  'documents.updateMany': 'no-mobile jobs: Cosmos bulk read + conditional replace',
  'tracking.advanceMany': 'no-mobile jobs: job_tracking update (MySQL ledger)',
};

export function stepName(key: string): string {
  return STEP_NAMES[key] ?? key;
}
