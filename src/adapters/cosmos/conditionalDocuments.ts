import type { Container, JSONObject, OperationInput, OperationResponse } from '@azure/cosmos';
import type { ConditionalDocuments, PartitionedDocument, Versioned } from '../../domain/discounts/ports.js';
import { readItem, statusCode } from './client.js';

const NOT_FOUND = 404;
const CONFLICT = 409;
const PRECONDITION_FAILED = 412;
/** The most operations Cosmos DB accepts in one bulk request. */
const BULK_CHUNK = 100;
/** Bulk requests in flight at once (generation writes thousands of documents per step). */
const BULK_PARALLEL = 8;

type StoredDocument = PartitionedDocument & { _etag?: string };

/**
 * The discount-code documents in a Cosmos DB container partitioned by /brandId: creates that fail
 * with 409 when the id exists, replaces conditional on the ETag (412 when it changed), point reads
 * and bulk requests. The ETag is the version; the store's other fields (_rid, _ts, ...) are dropped.
 */
export class CosmosConditionalDocuments implements ConditionalDocuments {
  constructor(private readonly container: Container) {}

  async read<T extends PartitionedDocument>(partition: string, id: string): Promise<Versioned<T> | undefined> {
    const stored = await readItem<StoredDocument>(this.container, id, partition);
    return stored ? versioned<T>(stored) : undefined;
  }

  async readMany<T extends PartitionedDocument>(partition: string, ids: readonly string[]): Promise<Array<Versioned<T> | undefined>> {
    const reads = await this.bulk(
      ids.map((id) => ({ operationType: 'Read', id, partitionKey: partition })),
      NOT_FOUND,
    );
    return reads.map((read) => (read.statusCode === NOT_FOUND ? undefined : versioned<T>(read.resourceBody as unknown as StoredDocument)));
  }

  async createIfAbsent<T extends PartitionedDocument>(document: T): Promise<string | undefined> {
    try {
      const { resource } = await this.container.items.create<StoredDocument>(document);
      return versionOf(resource);
    } catch (error) {
      if (statusCode(error) === CONFLICT) return undefined;
      throw error;
    }
  }

  async createManyIfAbsent<T extends PartitionedDocument>(documents: readonly T[]): Promise<boolean[]> {
    const results = await this.bulk(
      documents.map((document) => ({ operationType: 'Create', partitionKey: document.brandId, resourceBody: document as unknown as JSONObject })),
      CONFLICT,
    );
    return results.map((result) => result.statusCode !== CONFLICT);
  }

  async replaceIfMatch<T extends PartitionedDocument>(document: T, version: string): Promise<string | undefined> {
    try {
      const { resource } = await this.container.item(document.id, document.brandId).replace<StoredDocument>(document, { accessCondition: { type: 'IfMatch', condition: version } });
      return versionOf(resource);
    } catch (error) {
      if (statusCode(error) === PRECONDITION_FAILED) return undefined;
      throw error;
    }
  }

  /**
   * `items.bulk` in requests of 100 operations, BULK_PARALLEL at a time; results in the order of
   * `operations`. A failure other than `expected` (absent on read, existing on create) throws.
   */
  private async bulk(operations: OperationInput[], expected: number): Promise<OperationResponse[]> {
    const results: OperationResponse[] = new Array(operations.length);
    let next = 0;
    const worker = async () => {
      while (next < operations.length) {
        const start = next;
        next += BULK_CHUNK;
        const answers = await this.container.items.bulk(operations.slice(start, start + BULK_CHUNK), { continueOnError: true });
        answers.forEach((answer, offset) => (results[start + offset] = answer));
      }
    };
    await Promise.all(Array.from({ length: Math.min(BULK_PARALLEL, Math.ceil(operations.length / BULK_CHUNK)) }, worker));
    results.forEach((result, index) => {
      if (result.statusCode >= 400 && result.statusCode !== expected) {
        throw new Error(`Cosmos bulk ${operations[index]!.operationType} failed (status ${result.statusCode} at operation ${index})`);
      }
    });
    return results;
  }
}

/** The document as written (system properties such as _etag, _rid and _ts are the store's) and its ETag as version. */
function versioned<T extends PartitionedDocument>(stored: StoredDocument): Versioned<T> {
  const document = Object.fromEntries(Object.entries(stored).filter(([key]) => !key.startsWith('_'))) as unknown as T;
  return { document, version: versionOf(stored) };
}

function versionOf(stored: StoredDocument | undefined): string {
  if (!stored?._etag) throw new Error('Cosmos DB answered a write or read without the document and its _etag');
  return stored._etag;
}
