import { Hono } from 'hono';
import type { UsageResponse } from '../../../protocol/index.ts';
import type { AppEnv } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { requireSession } from '../middleware/session.ts';

/** /api/v1/usage: what the facility is billed for (DESIGN.md §6), for its admins. */
export function usageRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/', requireSession(['admin']), async (c) => {
    const deps = c.var.deps;
    const { facilityId } = c.var.session;
    const facility = await deps.meta.getFacility(facilityId);
    if (!facility) throw new HttpError(401, 'unauthorized', 'This facility no longer exists');
    // The meter batches counts in memory; the admin sees them up to this request.
    await deps.meter.flush();
    const [bytesStored, months] = await Promise.all([deps.meta.bytesStored(facilityId), deps.meta.listUsage(facilityId)]);
    const body: UsageResponse = {
      bytesStored,
      quotaBytes: facility.quotaBytes,
      months: months
        .map(({ month, bytesServed, recordsPushed, requests }) => ({ month, bytesServed, recordsPushed, requests }))
        .sort((a, b) => b.month.localeCompare(a.month)),
    };
    return c.json(body);
  });

  return routes;
}
