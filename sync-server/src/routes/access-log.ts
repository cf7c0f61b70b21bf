import { Hono } from 'hono';
import { z } from 'zod';
import { AccessLogResponse, type AccessAction } from '../../../protocol/index.ts';
import type { AppEnv } from '../deps.ts';
import { readQuery } from '../middleware/read-body.ts';
import { requireSession } from '../middleware/session.ts';

export const DEFAULT_ACCESS_LOG_LIMIT = 100;
export const MAX_ACCESS_LOG_LIMIT = 500;

// Query values arrive as strings; only plain decimal digits are numbers here.
const AccessLogQuery = z.strictObject({
  before: z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, 'must be a cursor from a previous page')
    .transform(Number)
    .optional(),
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, `must be a whole number from 1 to ${MAX_ACCESS_LOG_LIMIT}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_ACCESS_LOG_LIMIT))
    .optional(),
});

/**
 * /api/v1/access-log: the facility's audit trail, newest first, for its
 * admins: who did what to which subject, from which address.
 */
export function accessLogRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/', requireSession(['admin']), async (c) => {
    const deps = c.var.deps;
    const query = readQuery(c, AccessLogQuery);
    const limit = query.limit ?? DEFAULT_ACCESS_LOG_LIMIT;
    // One more than asked tells whether another page follows without a second query.
    const { entries } = await deps.meta.listAccess(c.var.session.facilityId, {
      ...(query.before !== undefined ? { before: query.before } : {}),
      limit: limit + 1,
    });
    const page = entries.slice(0, limit);
    const body: z.infer<typeof AccessLogResponse> = {
      entries: page.map((e) => ({
        at: new Date(e.at).toISOString(),
        action: e.action as AccessAction,
        memberId: e.memberId,
        deviceId: e.deviceId,
        subject: e.subject,
        address: e.address,
      })),
      next: entries.length > limit ? String(page[page.length - 1]!.id) : null,
    };
    return c.json(body);
  });

  return routes;
}
