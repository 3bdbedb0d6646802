import type { NotificationEntry } from '../../../src/domain/notifications/ports.js';
import type { RunawayFlag, RunawayFlagInput, RunawayFlags } from '../../../src/domain/stats/ports.js';

const keyOf = (flag: RunawayFlagInput) => `${flag.subject.kind === 'customer' ? `customer:${flag.subject.customerId}` : `type:${flag.subject.type}`}|${flag.day}`;

/** Runaway flags in memory; the send counts come from the notification log's entries (the ledger's notification_log). */
export class FakeRunawayFlags implements RunawayFlags {
  readonly flags = new Map<string, RunawayFlag>();
  private nextId = 1;

  constructor(private readonly log: { entries: ReadonlyMap<string, NotificationEntry> } = { entries: new Map() }) {}

  async sendFigures(customerId: number, since: Date, baselineSince: Date): Promise<{ paused: boolean; today: number; baseline: number }> {
    const attempted = [...this.log.entries.values()].filter((e) => e.customerId === customerId && e.attempts > 0);
    return {
      paused: await this.isPaused(customerId),
      today: attempted.filter((e) => e.createdAt >= since).length,
      baseline: attempted.filter((e) => e.createdAt >= baselineSince && e.createdAt < since).length,
    };
  }

  async isPaused(customerId: number): Promise<boolean> {
    return [...this.flags.values()].some((f) => f.subject.kind === 'customer' && f.subject.customerId === customerId && f.paused && f.releasedAt === null);
  }

  async record(flags: readonly RunawayFlagInput[]): Promise<void> {
    for (const flag of flags) {
      const stored = this.flags.get(keyOf(flag));
      if (!stored) {
        this.flags.set(keyOf(flag), { ...flag, reasons: [...flag.reasons], flagId: this.nextId++, releasedAt: null, releasedBy: null });
        continue;
      }
      stored.reasons = (['count', 'cost'] as const).filter((r) => stored.reasons.includes(r) || flag.reasons.includes(r));
      stored.count = Math.max(stored.count, flag.count);
      stored.cost = flag.cost ?? stored.cost;
      stored.baselineCount = flag.baselineCount;
      stored.baselineCost = flag.baselineCost ?? stored.baselineCost;
      stored.paused = stored.paused || (flag.paused && stored.releasedAt === null);
    }
  }

  async list(page: { before?: number; limit: number }): Promise<RunawayFlag[]> {
    return [...this.flags.values()]
      .filter((f) => page.before === undefined || f.flagId < page.before)
      .sort((a, b) => b.flagId - a.flagId)
      .slice(0, page.limit)
      .map((f) => ({ ...f, reasons: [...f.reasons] }));
  }

  async release(customerId: number, by: string, at: Date): Promise<number> {
    let released = 0;
    for (const flag of this.flags.values()) {
      if (flag.subject.kind !== 'customer' || flag.subject.customerId !== customerId || !flag.paused || flag.releasedAt !== null) continue;
      flag.releasedAt = at;
      flag.releasedBy = by;
      released += 1;
    }
    return released;
  }
}
