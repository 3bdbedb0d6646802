import type { Container, JSONObject, OperationInput } from '@azure/cosmos';
import { jobDocumentId, type JobDocument } from '../../domain/jobs/job.js';
import type { JobDocuments } from '../../domain/jobs/ports.js';
import { transientOnFailure } from '../system/transientErrors.js';
import { readItem, statusCode } from './client.js';

const CONFLICT = 409;
const NOT_FOUND = 404;
const PRECONDITION_FAILED = 412;
const MAX_OPTIMISTIC_RETRIES = 8;
const BULK_CHUNK = 100;
/** How many documents this process last wrote it keeps, with their ETags (a few batches' worth). */
const RECENT_WRITES = 5000;

type StoredJobDocument = JobDocument & { _etag?: string };

/**
 * Job documents keyed and partitioned by `id` (the client's Job_id), so every access is a point operation.
 * The documents this process wrote last are kept with their ETags, so `updateMany` can replace
 * them without reading them first: the replace is conditional on that ETag, and a document someone
 * else changed since fails it (412) and is read and changed again, as any concurrent write is.
 * Failures that pass (timeouts, throttling, a lost connection) are thrown as TransientErrors.
 */
export class CosmosJobDocuments implements JobDocuments {
  private readonly recent = new Map<string, StoredJobDocument>();

  constructor(private readonly container: Container) {}

  /**
   * Uses `items.bulk` in chunks of 100 (one batch request each). Its successor,
   * `executeBulkOperations`, waits a fixed second for every partial batch, which costs more than
   * the writes themselves at our batch sizes (ASSUMPTIONS.md).
   */
  async createMissing(docs: readonly JobDocument[]): Promise<void> {
    return transientOnFailure(async () => {
      for (let start = 0; start < docs.length; start += BULK_CHUNK) {
        const operations: OperationInput[] = docs
          .slice(start, start + BULK_CHUNK)
          .map((doc) => ({ operationType: 'Create', partitionKey: doc.id, resourceBody: { ...doc } as unknown as JSONObject }));
        const results = await this.container.items.bulk(operations, { continueOnError: true });
        for (const result of results) if (result.statusCode < 400) this.remember(result.resourceBody);
        const failed = results.filter((result) => result.statusCode >= 400 && result.statusCode !== CONFLICT);
        if (failed.length > 0) {
          throw new Error(
            `Cosmos bulk create failed for ${failed.length} of ${operations.length} documents (first: status ${failed[0]?.statusCode})`,
          );
        }
      }
    });
  }

  async get(jobId: number): Promise<JobDocument | undefined> {
    return transientOnFailure(async () => {
      return strip(await this.read(jobId));
    });
  }

  async update(jobId: number, change: (doc: JobDocument) => JobDocument): Promise<JobDocument | undefined> {
    return transientOnFailure(async () => {
      for (let attempt = 1; ; attempt++) {
        const current = await this.read(jobId);
        if (!current) return undefined;
        const unchanged = strip(current) as JobDocument;
        const next = change(unchanged);
        if (next === unchanged) return unchanged;
        try {
          const { resource } = await this.container
            .item(current.id, current.id)
            .replace<JobDocument>(next, { accessCondition: { type: 'IfMatch', condition: current._etag ?? '' } });
          this.remember(resource as unknown as JSONObject | undefined);
          return strip(resource as StoredJobDocument | undefined);
        } catch (error) {
          if (statusCode(error) !== PRECONDITION_FAILED || attempt >= MAX_OPTIMISTIC_RETRIES) throw error;
        }
      }
    });
  }

  /**
   * Bulk reads of 100 documents (only those this process did not just write), then a bulk replace
   * of the changed ones, each conditional on the ETag it was read or written with (IfMatch); the
   * documents another writer changed in between are read and changed again, as `update` does one
   * at a time.
   */
  async updateMany(changes: ReadonlyMap<number, (doc: JobDocument) => JobDocument>): Promise<void> {
    return transientOnFailure(async () => {
      let pending = [...changes.keys()];
      for (let attempt = 1; pending.length > 0; attempt++) {
        const conflicted: number[] = [];
        for (let start = 0; start < pending.length; start += BULK_CHUNK) {
          const jobIds = pending.slice(start, start + BULK_CHUNK);
          conflicted.push(...(await this.changeChunk(jobIds, changes)));
        }
        if (conflicted.length > 0 && attempt >= MAX_OPTIMISTIC_RETRIES) {
          throw new Error(`Cosmos documents kept changing under ${conflicted.length} updates (first: job ${conflicted[0]})`);
        }
        pending = conflicted;
      }
    });
  }

  /** Returns the jobs whose replace lost to a concurrent write. */
  private async changeChunk(jobIds: readonly number[], changes: ReadonlyMap<number, (doc: JobDocument) => JobDocument>): Promise<number[]> {
    const current = new Map<number, StoredJobDocument>();
    const unknown = jobIds.filter((jobId) => {
      const known = this.recent.get(jobDocumentId(jobId));
      if (known) current.set(jobId, structuredClone(known));
      return !known;
    });
    if (unknown.length > 0) {
      const reads = await this.container.items.bulk(
        unknown.map((jobId) => ({ operationType: 'Read', id: jobDocumentId(jobId), partitionKey: jobDocumentId(jobId) })),
        { continueOnError: true },
      );
      reads.forEach((result, index) => {
        if (result.statusCode === NOT_FOUND) return;
        if (result.statusCode >= 400) throw new Error(`Cosmos bulk read failed for job ${unknown[index]} (status ${result.statusCode})`);
        current.set(unknown[index]!, result.resourceBody as unknown as StoredJobDocument);
      });
    }
    const replaced: number[] = [];
    const operations: OperationInput[] = [];
    for (const [jobId, stored] of current) {
      const unchanged = strip(stored) as JobDocument;
      const next = changes.get(jobId)!(unchanged);
      if (next === unchanged) continue;
      replaced.push(jobId);
      operations.push({
        operationType: 'Replace',
        id: stored.id,
        partitionKey: stored.id,
        resourceBody: { ...next } as unknown as JSONObject,
        ifMatch: stored._etag ?? '',
      });
    }
    if (operations.length === 0) return [];
    const results = await this.container.items.bulk(operations, { continueOnError: true });
    const conflicted: number[] = [];
    results.forEach((result, index) => {
      const jobId = replaced[index]!;
      if (result.statusCode < 400) this.remember(result.resourceBody);
      else this.recent.delete(jobDocumentId(jobId));
      if (result.statusCode === PRECONDITION_FAILED) conflicted.push(jobId);
      else if (result.statusCode >= 400 && result.statusCode !== NOT_FOUND) {
        throw new Error(`Cosmos bulk replace failed for job ${jobId} (status ${result.statusCode})`);
      }
    });
    return conflicted;
  }

  /** Keeps a document as written (with its ETag), the oldest forgotten beyond RECENT_WRITES. */
  private remember(written: JSONObject | undefined): void {
    const doc = written as StoredJobDocument | undefined;
    if (!doc?.id || !doc._etag) return;
    this.recent.delete(doc.id);
    this.recent.set(doc.id, doc);
    if (this.recent.size > RECENT_WRITES) this.recent.delete(this.recent.keys().next().value!);
  }

  private async read(jobId: number): Promise<StoredJobDocument | undefined> {
    const id = jobDocumentId(jobId);
    return readItem<StoredJobDocument>(this.container, id, id);
  }
}

/** Drops Cosmos system properties (`_rid`, `_etag`, `_ts`, ...) so callers see only the job. */
function strip(doc: StoredJobDocument | undefined): JobDocument | undefined {
  if (!doc) return undefined;
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_'))) as unknown as JobDocument;
}
