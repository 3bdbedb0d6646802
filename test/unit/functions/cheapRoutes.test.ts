import { InvocationContext, type HttpRequest } from '@azure/functions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { provideRelay } from '../../../src/processRelay.js';
import { type Relay } from '../../../src/compositionRoot.js';
import { readRawBody } from '../../../src/functions/http/http.js';
import { healthHandler } from '../../../src/functions/health/health.js';

/* Issue 26, finding 4: anonymous routes are cheap to call: health is cached, oversized bodies are not read. */

/** The few seconds health answers are reused for (HEALTH_CACHE_MS). */
const HEALTH_CACHE_MS = 5_000;

const context = () => new InvocationContext({ functionName: 'anonymous' });

describe('GET /api/health', () => {
  afterEach(() => vi.useRealTimers());

  it('probes the dependencies at most once per few seconds, however many callers ask', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const checkHealth = vi.fn(async () => ({ clientDb: 'ok' as const, ledgerDb: 'ok' as const, cosmos: 'ok' as const }));
    provideRelay(async () => ({ checkHealth }) as unknown as Relay);

    const answers = await Promise.all([healthHandler(undefined, context()), healthHandler(undefined, context()), healthHandler(undefined, context())]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    vi.advanceTimersByTime(HEALTH_CACHE_MS - 1);
    await healthHandler(undefined, context());
    expect(checkHealth).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    await healthHandler(undefined, context());
    expect(checkHealth).toHaveBeenCalledTimes(2);
  });
});

describe('body limits', () => {
  /** A request whose body is a stream of 64 KiB chunks without a content-length, counting what was pulled. */
  function streamedRequest(chunks: number) {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === chunks) return controller.close();
        pulled += 1;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const request = {
      headers: new Headers({ 'content-type': 'application/json' }),
      body,
      arrayBuffer: () => new Response(body).arrayBuffer(),
    } as unknown as HttpRequest;
    return { request, pulled: () => pulled };
  }

  it('stops reading an oversized body as soon as it passes the limit, without a content-length', async () => {
    const { request, pulled } = streamedRequest(160); // 10 MiB
    const read = await readRawBody(request, 16 * 1024);
    expect(read).toMatchObject({ ok: false, response: { status: 413 } });
    expect(pulled()).toBeLessThanOrEqual(2);
  });

  it('reads a body within the limit whole', async () => {
    const { request } = streamedRequest(2);
    const read = await readRawBody(request, 128 * 1024);
    expect(read.ok && read.value.bytes.length).toBe(128 * 1024);
  });
});

