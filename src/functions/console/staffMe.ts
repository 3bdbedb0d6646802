import { app } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { json } from '../http/http.js';
import { staffOnly } from '../http/staffAuth.js';

/** GET /api/staff/me: the signed-in member of staff and the shop (name, time zone). */
export const staffMeHandler = staffOnly(async (_request, _context, user) => json(200, (await getRelay()).staffMe(user)));

app.http('staffMe', { route: 'staff/me', methods: ['GET'], authLevel: 'anonymous', handler: staffMeHandler });
