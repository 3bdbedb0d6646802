import type { JobDocument } from '../../../src/domain/jobs/job.js';
import type { JobDocuments } from '../../../src/domain/jobs/ports.js';

export class FakeJobDocuments implements JobDocuments {
  readonly docs = new Map<string, JobDocument>();
  creates = 0;
  writes = 0;

  async createMissing(docs: readonly JobDocument[]): Promise<void> {
    for (const doc of docs) {
      this.creates += 1;
      if (!this.docs.has(doc.id)) this.docs.set(doc.id, structuredClone(doc));
    }
  }

  async get(jobId: number): Promise<JobDocument | undefined> {
    const doc = this.docs.get(String(jobId));
    return doc && structuredClone(doc);
  }

  async update(jobId: number, change: (doc: JobDocument) => JobDocument): Promise<JobDocument | undefined> {
    const doc = this.docs.get(String(jobId));
    if (!doc) return undefined;
    const current = structuredClone(doc);
    const next = change(current);
    if (next !== current) {
      this.writes += 1;
      this.docs.set(doc.id, structuredClone(next));
    }
    return next;
  }

  async updateMany(changes: ReadonlyMap<number, (doc: JobDocument) => JobDocument>): Promise<void> {
    for (const [jobId, change] of changes) await this.update(jobId, change);
  }
}
