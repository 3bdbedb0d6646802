import { app } from '@azure/functions';
import { z } from 'zod';
import { MAX_DEAD_LETTERS_PER_CALL } from '../../domain/notifications/deadLetters.js';
import { getRelay } from '../../processRelay.js';
import { json, readJsonBody } from '../http/http.js';
import { staffOnly } from '../http/staffAuth.js';
import { pageParams, readQuery } from './consoleSchemas.js';

const failuresQuery = z.object({ q: z.string().max(100).optional(), limit: pageParams.limit }).strict();
const replaySchema = z
  .object({ sequenceNumbers: z.array(z.string().regex(/^\d{1,20}$/, 'must be a sequence number (digits)')).min(1).max(MAX_DEAD_LETTERS_PER_CALL).optional() })
  .strict();

/** GET /api/staff/failures?q=&limit=: dead letters with their reason, and `unknown` sends to check by hand. */
export const listFailuresHandler = staffOnly(async (request) => {
  const query = readQuery(request, failuresQuery);
  if (!query.ok) return query.response;
  const failures = await (await getRelay()).listFailures(query.value.q, query.value.limit);
  return json(200, {
    deadLetters: failures.deadLetters.map((letter) => ({
      sequenceNumber: letter.sequenceNumber,
      notificationId: letter.notification?.notificationId ?? letter.messageId,
      jobId: letter.notification?.jobId ?? null,
      channel: letter.notification?.channel ?? null,
      reason: [letter.reason, letter.description].filter(Boolean).join(': ') || null,
      deadLetteredAt: letter.enqueuedAt,
    })),
    unknown: failures.unknown.map((entry) => ({ notificationId: entry.messageKey, jobId: entry.jobId, channel: entry.channel, gateway: entry.gateway, createdAt: entry.createdAt })),
  });
});

/** POST /api/staff/failures/replay `{sequenceNumbers?}` (absent: all): the dead-letter replay of POST /api/ops/dead-letters/replay, audited. */
export const replayFailuresHandler = staffOnly(async (request, _context, user) => {
  const body = await readJsonBody(request, replaySchema, { emptyMeans: '{}' });
  if (!body.ok) return body.response;
  const replayed = await (await getRelay()).replayFailures(user, body.value.sequenceNumbers);
  return json(200, { replayed: replayed.length });
});

app.http('listFailures', { route: 'staff/failures', methods: ['GET'], authLevel: 'anonymous', handler: listFailuresHandler });
app.http('replayFailures', { route: 'staff/failures/replay', methods: ['POST'], authLevel: 'anonymous', handler: replayFailuresHandler });
