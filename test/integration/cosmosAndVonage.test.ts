import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CosmosJobDocuments } from '../../src/adapters/cosmos/jobDocuments.js';
import { VonageSmsGateway } from '../../src/adapters/vonage/smsGateway.js';
import { toJobDocument } from '../../src/domain/job.js';
import { VonageSandbox } from '../../dev/vonageSandbox.js';
import { startLocalCosmos, type LocalCosmos } from '../support/cosmos.js';
import { clientJob } from '../support/fakes.js';

describe('CosmosJobDocuments against the embedded Cosmos server', () => {
  let cosmos: LocalCosmos;
  let documents: CosmosJobDocuments;

  beforeAll(async () => {
    cosmos = await startLocalCosmos();
    documents = new CosmosJobDocuments((await cosmos.openContainer()).container);
  });
  afterAll(async () => cosmos?.stop());

  it('creates missing documents in bulk and leaves existing ones untouched', async () => {
    const at = new Date('2026-11-23T10:00:00Z');
    const docs = Array.from({ length: 150 }, (_, i) => toJobDocument(clientJob(i + 1), at));
    await documents.createMissing(docs.slice(0, 10));
    await documents.update(1, (doc) => ({ ...doc, job_status: 'OPENED' }));
    await documents.createMissing(docs);

    expect((await documents.get(1))?.job_status).toBe('OPENED');
    expect(await documents.get(150)).toEqual(docs[149]);
    expect(await documents.get(151)).toBeUndefined();
  });

  it('applies concurrent updates without losing either (optimistic concurrency on the etag)', async () => {
    await documents.createMissing([toJobDocument(clientJob(500), new Date())]);
    await Promise.all(
      ['courtesy', 'feedback'].map((slot) =>
        documents.update(500, (doc) => ({ ...doc, sms: { ...doc.sms, [slot]: { messageKey: slot, state: 'sent', at: 'now', note: slot } } })),
      ),
    );
    expect(Object.keys((await documents.get(500))!.sms).sort()).toEqual(['courtesy', 'feedback']);
    expect(await documents.update(999, (doc) => doc)).toBeUndefined();
  });
});

describe('VonageSmsGateway against the Vonage sandbox', () => {
  const credentials = { apiKey: 'key123', apiSecret: 'secret456' };
  let sandbox: VonageSandbox;
  let gateway: VonageSmsGateway;
  let restHost: string;
  const request = { to: '+447770123456', from: 'RepairRelay', text: 'Hello', clientRef: 'job-1-received' };

  beforeAll(async () => {
    sandbox = new VonageSandbox({ ...credentials, messagesPerSecond: 1000 });
    restHost = await sandbox.listen();
    gateway = new VonageSmsGateway({ ...credentials, restHost, timeoutMs: 500 });
  });
  afterAll(async () => sandbox?.close());

  it('sends with the SDK and returns the message id and the price to 3 decimals', async () => {
    const result = await gateway.send(request);
    expect(result).toEqual({ outcome: 'accepted', providerMessageId: sandbox.sent.at(-1)!.messageId, price: '0.033' });
    expect(sandbox.sent.at(-1)).toMatchObject({ to: '447770123456', from: 'RepairRelay', text: 'Hello', clientRef: 'job-1-received' });
  });

  it.each([
    [{ kind: 'status', status: '1', errorText: 'Throughput Rate Exceeded - please wait [ 1000 ] and retry' }, { outcome: 'retryable', errorCode: '1' }],
    [{ kind: 'status', status: '5', errorText: 'Internal Error' }, { outcome: 'retryable', errorCode: '5' }],
    [{ kind: 'http', status: 429 }, { outcome: 'retryable', errorCode: 'http-429' }],
    [{ kind: 'http', status: 503 }, { outcome: 'retryable', errorCode: 'http-503' }],
    [{ kind: 'hang' }, { outcome: 'retryable', errorCode: 'network' }],
    [{ kind: 'status', status: '6', errorText: 'Invalid Message' }, { outcome: 'rejected', errorCode: '6' }],
    [{ kind: 'status', status: '7', errorText: 'Number barred' }, { outcome: 'rejected', errorCode: '7', detail: 'Number barred' }],
    [{ kind: 'http', status: 401 }, { outcome: 'rejected', errorCode: 'http-401' }],
  ] as const)('classifies %o as %o', async (reply, expected) => {
    sandbox.enqueueReplies(reply);
    expect(await gateway.send(request)).toMatchObject(expected);
  });

  it('treats bad credentials as a permanent rejection', async () => {
    const wrong = new VonageSmsGateway({ apiKey: 'key123', apiSecret: 'nope', restHost });
    expect(await wrong.send(request)).toMatchObject({ outcome: 'rejected', errorCode: '4' });
  });

  it('is throttled with status 1 past the account throughput, as Vonage does', async () => {
    const slow = new VonageSandbox({ ...credentials, messagesPerSecond: 2 });
    const slowGateway = new VonageSmsGateway({ ...credentials, restHost: await slow.listen() });
    const results = await Promise.all(Array.from({ length: 4 }, () => slowGateway.send(request)));
    await slow.close();
    expect(results.filter((r) => r.outcome === 'accepted')).toHaveLength(2);
    expect(results.filter((r) => r.outcome === 'retryable' && r.errorCode === '1')).toHaveLength(2);
  });

  it('reports an unreachable Vonage as retryable', async () => {
    const down = new VonageSmsGateway({ ...credentials, restHost: 'http://127.0.0.1:9' });
    expect(await down.send(request)).toMatchObject({ outcome: 'retryable', errorCode: 'network' });
  });
});
