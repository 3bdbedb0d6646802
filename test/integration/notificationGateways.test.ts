import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationMessageId, SmtpGateway } from '../../src/adapters/email/smtpGateway.js';
import { VonageMessagesGateway } from '../../src/adapters/vonage/messagesGateway.js';
import { VonageSmsGateway } from '../../src/adapters/vonage/smsGateway.js';
import { sendWithFailover } from '../../src/domain/channels/failover.js';
import type { NotificationRequest } from '../../src/domain/channels/ports.js';
import { MailSink } from '../../dev/mailSink.js';
import { parseSandboxFailures, VonageSandbox } from '../../dev/vonageSandbox.js';

const credentials = { apiKey: 'key123', apiSecret: 'secret456' };
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const application = { applicationId: '8f0b5c4e-1f2a-4a55-9d5e-2f1c3b7a9e01', privateKey };
const sms: NotificationRequest = { channel: 'sms', to: '+447700900123', text: 'Your repair is ready', clientRef: 'job-7-job-completed-sms' };
const whatsapp: NotificationRequest = { ...sms, channel: 'whatsapp', clientRef: 'job-7-job-completed-whatsapp' };

describe('VonageMessagesGateway against the sandbox Messages API', () => {
  let sandbox: VonageSandbox;
  let apiHost: string;
  let jwtGateway: VonageMessagesGateway;

  beforeAll(async () => {
    sandbox = new VonageSandbox({ ...credentials, application, messagesPerSecond: 1000 });
    apiHost = await sandbox.listen();
    jwtGateway = new VonageMessagesGateway({ auth: application, apiHost, smsFrom: 'RepairRelay', whatsappFrom: '+447700900999', timeoutMs: 500 });
  });
  afterAll(async () => sandbox?.close());

  it('sends SMS with a JWT signed by the application key: 202 and the message_uuid, client_ref echoed', async () => {
    const result = await jwtGateway.send(sms);
    const sent = sandbox.messages.at(-1)!;
    expect(result).toEqual({ outcome: 'accepted', providerMessageId: sent.messageUuid });
    expect(sent).toMatchObject({ channel: 'sms', to: '447700900123', from: 'RepairRelay', text: 'Your repair is ready', clientRef: sms.clientRef, auth: 'jwt' });
  });

  it('sends WhatsApp text from our WhatsApp number', async () => {
    expect(await jwtGateway.send(whatsapp)).toMatchObject({ outcome: 'accepted' });
    expect(sandbox.messages.at(-1)).toMatchObject({ channel: 'whatsapp', to: '447700900123', from: '447700900999', clientRef: whatsapp.clientRef });
  });

  it('authenticates with the API key and secret (basic auth) without an application', async () => {
    const basic = new VonageMessagesGateway({ auth: credentials, apiHost, smsFrom: 'RepairRelay' });
    expect(await basic.send(sms)).toMatchObject({ outcome: 'accepted' });
    expect(sandbox.messages.at(-1)).toMatchObject({ auth: 'basic' });
  });

  it('carries no WhatsApp without a WhatsApp number, and never email', async () => {
    const before = sandbox.messagesRequests;
    const smsOnly = new VonageMessagesGateway({ auth: credentials, apiHost, smsFrom: 'RepairRelay' });
    expect(smsOnly.carries('whatsapp')).toBe(false);
    expect(await smsOnly.send(whatsapp)).toMatchObject({ outcome: 'gateway-fault', errorCode: 'unsupported-channel' });
    expect(await jwtGateway.send({ ...sms, channel: 'email', to: 'someone@example.com' })).toMatchObject({ outcome: 'gateway-fault', errorCode: 'unsupported-channel' });
    expect(sandbox.messagesRequests).toBe(before);
  });

  it.each([
    [{ kind: 'http', status: 429 }, { outcome: 'retryable', reason: 'throttled', errorCode: 'http-429' }],
    [{ kind: 'http', status: 500 }, { outcome: 'retryable', reason: 'unavailable', errorCode: 'http-500' }],
    [{ kind: 'http', status: 503 }, { outcome: 'retryable', reason: 'unavailable', errorCode: 'http-503', detail: 'Vonage Messages API answered HTTP 503: Service Unavailable' }],
    [{ kind: 'hang' }, { outcome: 'retryable', reason: 'unavailable', errorCode: 'network' }],
    [{ kind: 'http', status: 400 }, { outcome: 'rejected', errorCode: 'http-400' }],
  ] as const)('classifies a scripted %o as %o', async (reply, expected) => {
    sandbox.enqueueMessagesReplies(reply);
    expect(await jwtGateway.send(sms)).toMatchObject(expected);
  });

  it('answers a hang within its timeout', async () => {
    sandbox.enqueueMessagesReplies({ kind: 'hang' });
    const started = Date.now();
    await jwtGateway.send(sms);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('treats an invalid number (422) as permanent, with the title but not the number in the detail', async () => {
    const result = await jwtGateway.send({ ...sms, to: '+0123' });
    expect(result).toEqual({ outcome: 'rejected', errorCode: 'http-422', detail: 'Vonage Messages API answered HTTP 422: Invalid params' });
  });

  it('is refused (401, the gateway\'s fault) with a JWT of another key or wrong basic credentials', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const forged = new VonageMessagesGateway({ auth: { ...application, privateKey: other.privateKey }, apiHost, smsFrom: 'RepairRelay' });
    expect(await forged.send(sms)).toMatchObject({ outcome: 'gateway-fault', errorCode: 'http-401' });
    const wrongApp = new VonageMessagesGateway({ auth: { ...application, applicationId: 'another-app' }, apiHost, smsFrom: 'RepairRelay' });
    expect(await wrongApp.send(sms)).toMatchObject({ outcome: 'gateway-fault', errorCode: 'http-401' });
    const wrongSecret = new VonageMessagesGateway({ auth: { ...credentials, apiSecret: 'nope' }, apiHost, smsFrom: 'RepairRelay' });
    expect(await wrongSecret.send(sms)).toMatchObject({ outcome: 'gateway-fault', errorCode: 'http-401' });
  });

  it('is throttled with 429 past the account throughput', async () => {
    const slow = new VonageSandbox({ ...credentials, messagesPerSecond: 2 });
    const gateway = new VonageMessagesGateway({ auth: credentials, apiHost: await slow.listen(), smsFrom: 'RepairRelay' });
    const results = await Promise.all(Array.from({ length: 4 }, () => gateway.send(sms)));
    await slow.close();
    expect(results.filter((r) => r.outcome === 'accepted')).toHaveLength(2);
    expect(results.filter((r) => r.outcome === 'retryable' && r.reason === 'throttled')).toHaveLength(2);
  });

  it('reports an unreachable Messages API as retryable', async () => {
    const down = new VonageMessagesGateway({ auth: credentials, apiHost: 'http://127.0.0.1:9', smsFrom: 'RepairRelay' });
    expect(await down.send(sms)).toMatchObject({ outcome: 'retryable', errorCode: 'network' });
  });
});

describe('failover between the two Vonage gateways over real HTTP', () => {
  let sandbox: VonageSandbox;
  let smsApi: VonageSmsGateway;
  let messages: VonageMessagesGateway;

  beforeAll(async () => {
    sandbox = new VonageSandbox({ ...credentials, application, messagesPerSecond: 1000 });
    const host = await sandbox.listen();
    smsApi = new VonageSmsGateway({ ...credentials, restHost: host, from: 'RepairRelay', timeoutMs: 500 });
    messages = new VonageMessagesGateway({ auth: application, apiHost: host, smsFrom: 'RepairRelay', timeoutMs: 500 });
  });
  afterAll(async () => sandbox?.close());

  it('the SMS API gateway sends a notification request from VONAGE_FROM', async () => {
    expect(await smsApi.send(sms)).toMatchObject({ outcome: 'accepted', price: '0.033' });
    expect(sandbox.sent.at(-1)).toMatchObject({ to: '447700900123', from: 'RepairRelay', clientRef: sms.clientRef });
    expect(await smsApi.send(whatsapp)).toMatchObject({ outcome: 'gateway-fault', errorCode: 'unsupported-channel' });
  });

  it('a 5xx or a hang at the SMS API moves the message to the Messages API at once; one provider accepts it', async () => {
    for (const reply of [{ kind: 'http', status: 503 }, { kind: 'hang' }] as const) {
      sandbox.enqueueReplies(reply);
      const [smsBefore, messagesBefore] = [sandbox.sent.length, sandbox.messages.length];
      const result = await sendWithFailover([smsApi, messages], sms);
      expect(result).toMatchObject({ outcome: 'accepted', gateway: 'vonage-messages' });
      expect(result.attempts.map((a) => a.outcome)).toEqual(['retryable', 'accepted']);
      expect([sandbox.sent.length - smsBefore, sandbox.messages.length - messagesBefore]).toEqual([0, 1]);
    }
  });

  it('a sandbox with the SMS API down (smsDown) answers HTTP 500 to every SMS API request, so every SMS fails over', async () => {
    const down = new VonageSandbox({ ...credentials, application, messagesPerSecond: 1000, smsDown: true });
    const host = await down.listen();
    try {
      const gateways = [new VonageSmsGateway({ ...credentials, restHost: host, from: 'RepairRelay', timeoutMs: 500 }), new VonageMessagesGateway({ auth: application, apiHost: host, smsFrom: 'RepairRelay', timeoutMs: 500 })];
      for (const clientRef of ['job-1-received', 'job-2-received']) {
        const result = await sendWithFailover(gateways, { ...sms, clientRef });
        expect(result).toMatchObject({ outcome: 'accepted', gateway: 'vonage-messages' });
        expect(result.attempts[0]).toMatchObject({ gateway: 'vonage-sms', outcome: 'retryable', errorCode: 'http-500' });
      }
      expect([down.requests, down.sent.length]).toEqual([2, 0]);
      expect(down.messages.map((m) => m.clientRef)).toEqual(['job-1-received', 'job-2-received']);
    } finally {
      await down.close();
    }
  });

  it('a sandbox told SANDBOX_FAIL=sms=throttle/3,messages=unauthorized throttles every 3rd SMS API request and refuses every Messages API one (401): the gateway\'s fault, never the message\'s', async () => {
    const parsed = parseSandboxFailures('sms=throttle/3, messages=unauthorized');
    expect(parsed).toEqual({ ok: true, failures: { sms: { failure: 'throttle', every: 3 }, messages: { failure: 'unauthorized', every: 1 } } });
    const failing = new VonageSandbox({ ...credentials, application, messagesPerSecond: 1000, failures: parsed.ok ? parsed.failures : {} });
    const host = await failing.listen();
    try {
      const gateways = [new VonageSmsGateway({ ...credentials, restHost: host, from: 'RepairRelay', timeoutMs: 500 }), new VonageMessagesGateway({ auth: application, apiHost: host, smsFrom: 'RepairRelay', timeoutMs: 500 })];
      const results = [];
      for (const clientRef of ['job-1-received', 'job-2-received', 'job-3-received']) results.push(await sendWithFailover(gateways, { ...sms, clientRef }));
      expect(results.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'gateway-fault']);
      expect(results[2]!.attempts).toEqual([
        { gateway: 'vonage-sms', outcome: 'retryable', reason: 'throttled', errorCode: '1' },
        { gateway: 'vonage-messages', outcome: 'gateway-fault', errorCode: 'http-401', detail: 'Vonage Messages API answered HTTP 401: Unauthorized' },
      ]);
    } finally {
      await failing.close();
    }
    const outage = new VonageSandbox({ ...credentials, application, failures: { sms: { failure: 'outage', every: 1 }, messages: { failure: 'throttle', every: 2 } } });
    const outageHost = await outage.listen();
    try {
      const smsDown = new VonageSmsGateway({ ...credentials, restHost: outageHost, from: 'RepairRelay', timeoutMs: 500 });
      const messagesThrottled = new VonageMessagesGateway({ auth: application, apiHost: outageHost, smsFrom: 'RepairRelay', timeoutMs: 500 });
      expect(await smsDown.send(sms)).toMatchObject({ outcome: 'retryable', reason: 'unavailable', errorCode: 'http-500' });
      expect([(await messagesThrottled.send(sms)).outcome, await messagesThrottled.send(sms)]).toEqual(['accepted', expect.objectContaining({ outcome: 'retryable', reason: 'throttled', errorCode: 'http-429' })]);
    } finally {
      await outage.close();
    }
    expect(parseSandboxFailures('fax=outage')).toMatchObject({ ok: false, detail: expect.stringContaining('"fax=outage"') });
    expect(parseSandboxFailures('sms=throttle/0')).toMatchObject({ ok: false });
  });

  it('a permanent rejection at the SMS API goes nowhere else', async () => {
    sandbox.enqueueReplies({ kind: 'status', status: '7', errorText: 'Number barred' });
    const before = sandbox.messagesRequests;
    expect(await sendWithFailover([smsApi, messages], sms)).toMatchObject({ outcome: 'rejected', gateway: 'vonage-sms', errorCode: '7' });
    expect(sandbox.messagesRequests).toBe(before);
  });

  it('both down: the last retryable answer and both attempts', async () => {
    sandbox.enqueueReplies({ kind: 'http', status: 500 });
    sandbox.enqueueMessagesReplies({ kind: 'http', status: 429 });
    const result = await sendWithFailover([smsApi, messages], sms);
    expect(result).toMatchObject({ outcome: 'retryable', reason: 'throttled', gateway: 'vonage-messages' });
    expect(result.attempts).toEqual([
      { gateway: 'vonage-sms', outcome: 'retryable', errorCode: 'http-500', reason: 'unavailable' },
      { gateway: 'vonage-messages', outcome: 'retryable', errorCode: 'http-429', reason: 'throttled' },
    ]);
  });
});

describe('SmtpGateway against the local mail sink', () => {
  const email: NotificationRequest = {
    channel: 'email',
    to: 'customer@example.com',
    subject: 'Réparation prête',
    text: 'Your repair is ready — collect it any time.',
    html: '<p>Your repair is <b>ready</b></p>',
    clientRef: 'job-7-job-completed-email',
  };
  let sink: MailSink;
  let gateway: SmtpGateway;
  let sinkPort: string;

  beforeAll(async () => {
    sink = new MailSink({ credentials: { user: 'relay', pass: 'p@ss word' } });
    const url = await sink.listen();
    sinkPort = new URL(url).port;
    gateway = new SmtpGateway({ url, from: 'Repair Relay <notify@repair-relay.example>', timeoutMs: 1_000 });
  });
  afterAll(async () => {
    gateway?.close();
    await sink?.close();
  });

  it('sends text, HTML and subject with a Message-ID derived from the notification id', async () => {
    const result = await gateway.send(email);
    const messageId = '<notification.job-7-job-completed-email@repair-relay.example>';
    expect(result).toEqual({ outcome: 'accepted', providerMessageId: messageId });
    expect(sink.received.at(-1)).toMatchObject({
      from: 'notify@repair-relay.example',
      to: ['customer@example.com'],
      subject: 'Réparation prête',
      text: email.text,
      html: email.html,
      messageId,
    });
    // The same notification sent again carries the same Message-ID, so receivers can drop the repeat.
    expect(await gateway.send(email)).toEqual(result);
    expect(notificationMessageId('odd ref/with spaces', 'a@b.example')).toMatch(/^<notification\.[0-9a-f]{64}@b\.example>$/);
  });

  it.each([
    [{ kind: 'reply', code: 451, message: 'Try again later' }, { outcome: 'retryable', reason: 'unavailable', errorCode: 'smtp-451' }],
    [{ kind: 'reply', code: 421, message: 'Service not available', at: 'data' }, { outcome: 'retryable', errorCode: 'smtp-421' }],
    [{ kind: 'reply', code: 550, message: '5.1.1 <customer@example.com>: mailbox unavailable' }, { outcome: 'rejected', errorCode: 'smtp-550' }],
    [{ kind: 'reply', code: 553, message: 'Bad destination mailbox address' }, { outcome: 'rejected', errorCode: 'smtp-553' }],
    [{ kind: 'reply', code: 554, message: 'Transaction failed', at: 'data' }, { outcome: 'rejected', errorCode: 'smtp-554' }],
    [{ kind: 'reply', code: 530, message: 'Authentication required' }, { outcome: 'gateway-fault', errorCode: 'smtp-530' }],
    [{ kind: 'reply', code: 502, message: 'Command not implemented' }, { outcome: 'gateway-fault', errorCode: 'smtp-502' }],
  ] as const)('classifies a scripted %o as %o', async (reply, expected) => {
    sink.enqueueReplies(reply);
    const before = sink.received.length;
    const result = await gateway.send(email);
    expect(result).toMatchObject(expected);
    expect(sink.received.length).toBe(before);
    // No address in what the delivery log will keep.
    expect(JSON.stringify(result)).not.toContain('customer@example.com');
  });

  it('treats a server that stops answering as retryable, within its timeout', async () => {
    sink.enqueueReplies({ kind: 'hang' });
    const started = Date.now();
    expect(await gateway.send(email)).toMatchObject({ outcome: 'retryable', errorCode: 'smtp-ETIMEDOUT' });
    expect(Date.now() - started).toBeLessThan(5_000);
    // The pool recovers for the next message.
    expect(await gateway.send(email)).toMatchObject({ outcome: 'accepted' });
  });

  it('treats refused credentials as the gateway\'s fault and an unreachable server as retryable', async () => {
    const wrong = new SmtpGateway({ url: `smtp://relay:wrong@127.0.0.1:${sinkPort}`, from: 'notify@repair-relay.example', timeoutMs: 1_000 });
    expect(await wrong.send(email)).toMatchObject({ outcome: 'gateway-fault', errorCode: 'smtp-535' });
    wrong.close();
    const down = new SmtpGateway({ url: 'smtp://127.0.0.1:9', from: 'notify@repair-relay.example', timeoutMs: 1_000 });
    expect(await down.send(email)).toMatchObject({ outcome: 'retryable', errorCode: 'smtp-ESOCKET' });
    down.close();
  });

  it('refuses channels other than email without connecting', async () => {
    expect(await gateway.send(sms)).toMatchObject({ outcome: 'gateway-fault', errorCode: 'unsupported-channel' });
  });
});
