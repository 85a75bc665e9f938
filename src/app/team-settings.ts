/** Team settings stored as JSON documents (calendar, SLA policy, timers, channels), read through zod. */
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { teamSettings } from '../store/schema.js';
import { actorPersonId, type AppContext, type RequestContext } from './context.js';
import { recordAudit } from './audit.js';

/**
 * The stored value for `key` parsed with `schema`, or `fallback` when nothing is stored. A stored
 * value that no longer parses (an older shape) also falls back, so a bad row cannot stop the bot.
 */
export function readSetting<T>(ctx: AppContext, key: string, schema: z.ZodType<T>, fallback: T): T {
  const row = ctx.store.db.select({ value: teamSettings.value }).from(teamSettings).where(eq(teamSettings.key, key)).get();
  if (!row) return fallback;
  const parsed = schema.safeParse(row.value);
  return parsed.success ? parsed.data : fallback;
}

/** Stores `value` for `key` with an audit event (entity 'setting'); call inside the request's transaction. */
export function writeSetting<T>(ctx: RequestContext, key: string, value: T): void {
  const before = ctx.store.db.select({ value: teamSettings.value }).from(teamSettings).where(eq(teamSettings.key, key)).get()?.value ?? null;
  const now = ctx.clock.now();
  ctx.store.db
    .insert(teamSettings)
    .values({ key, value, updatedAt: now, updatedBy: actorPersonId(ctx.actor) })
    .onConflictDoUpdate({ target: teamSettings.key, set: { value, updatedAt: now, updatedBy: actorPersonId(ctx.actor) } })
    .run();
  recordAudit(ctx, { entity: 'setting', entityId: key, action: 'setting.changed', before, after: value });
}
