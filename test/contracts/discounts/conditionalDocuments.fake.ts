import type { ConditionalDocuments, PartitionedDocument, Versioned } from '../../../src/domain/discounts/ports.js';

/**
 * Conditional documents in memory, with a version per write like Cosmos DB's ETag. Every call
 * first yields to the event loop, as a round trip to the store would, so concurrent callers
 * interleave between their reads and writes and the protocol's conditional writes are exercised.
 */
export class FakeConditionalDocuments implements ConditionalDocuments {
  private readonly stored = new Map<string, Versioned<PartitionedDocument>>();
  private writes = 0;

  async read<T extends PartitionedDocument>(partition: string, id: string): Promise<Versioned<T> | undefined> {
    await roundTrip();
    return this.copyOf<T>(partition, id);
  }

  async readMany<T extends PartitionedDocument>(partition: string, ids: readonly string[]): Promise<Array<Versioned<T> | undefined>> {
    await roundTrip();
    return ids.map((id) => this.copyOf<T>(partition, id));
  }

  async createIfAbsent<T extends PartitionedDocument>(document: T): Promise<string | undefined> {
    await roundTrip();
    return this.create(document);
  }

  async createManyIfAbsent<T extends PartitionedDocument>(documents: readonly T[]): Promise<boolean[]> {
    await roundTrip();
    return documents.map((document) => this.create(document) !== undefined);
  }

  async replaceIfMatch<T extends PartitionedDocument>(document: T, version: string): Promise<string | undefined> {
    await roundTrip();
    const key = keyOf(document.brandId, document.id);
    if (this.stored.get(key)?.version !== version) return undefined;
    return this.write(key, document);
  }

  private create(document: PartitionedDocument): string | undefined {
    const key = keyOf(document.brandId, document.id);
    return this.stored.has(key) ? undefined : this.write(key, document);
  }

  private write(key: string, document: PartitionedDocument): string {
    const version = `v${++this.writes}`;
    this.stored.set(key, { document: structuredClone(document), version });
    return version;
  }

  private copyOf<T extends PartitionedDocument>(partition: string, id: string): Versioned<T> | undefined {
    const found = this.stored.get(keyOf(partition, id));
    return found && { document: structuredClone(found.document) as T, version: found.version };
  }
}

const keyOf = (partition: string, id: string) => JSON.stringify([partition, id]);
const roundTrip = () => new Promise<void>((resolve) => setImmediate(resolve));
