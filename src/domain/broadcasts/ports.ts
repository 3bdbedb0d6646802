/** How a broadcast's recipients came out: told now, scheduled for their next window, or skipped (see Broadcast). */
export interface BroadcastCounts {
  recipients: number;
  sendingNow: number;
  scheduled: number;
  skipped: number;
}

/** A broadcast as the ledger keeps it: what was asked (by hash) and, once every recipient is queued, the counts. */
export interface BroadcastRecord {
  broadcastId: string;
  /** SHA-256 of the text and the recipients, so a repeat with other content is told apart. */
  requestHash: string;
  recipients: number;
  /** null until every recipient's messages are logged and queued. */
  counts: BroadcastCounts | null;
  createdAt: Date;
}

/** The ledger's `broadcasts` table: one row per `broadcastId`, the broadcast's idempotency key. */
export interface Broadcasts {
  /** Records a new broadcast, or returns the one already recorded under its id (unchanged). */
  start(broadcast: Omit<BroadcastRecord, 'counts'>): Promise<{ outcome: 'started' } | { outcome: 'exists'; broadcast: BroadcastRecord }>;
  /** Stores the counts once every recipient is queued; a repeat keeps the first counts. */
  complete(broadcastId: string, counts: BroadcastCounts, at: Date): Promise<void>;
}
