/** Team settings stored as JSON documents (calendar, SLA policy, timers, channels), read through zod. */
import type { z } from 'zod';
import type { Storage } from '../store/storage.js';
import { actorPersonId, type AppContext, type RequestContext } from './context.js';
import { recordAudit } from './audit.js';

/** A stored row as read, and what each schema made of it (undefined: it did not parse). */
interface CachedSetting {
  row: { value: unknown } | undefined;
  parsed: Map<z.ZodType<unknown>, { value: unknown } | undefined>;
}

interface SettingsCache {
  version: number;
  entries: Map<string, CachedSetting>;
}

/**
 * Parsed settings per store, valid for one version of the team_settings table
 * (`Storage.tableVersion`): any write to it, here or by another process or replica, starts a new
 * cache, and nothing cached while the open transaction has written it is served after a rollback.
 */
const caches = new WeakMap<Storage, SettingsCache>();

/** Cached values are shared by every reader: freezing them turns an accidental edit into an error. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function parse<T>(row: { value: unknown } | undefined, schema: z.ZodType<T>): { value: T } | undefined {
  if (!row) return undefined;
  const parsed = schema.safeParse(row.value);
  return parsed.success ? { value: parsed.data } : undefined;
}

/** The parsed stored value, from the cache while the table has not changed; undefined when absent or unparseable. */
function storedSetting<T>(store: Storage, key: string, schema: z.ZodType<T>): { value: T } | undefined {
  const version = store.tableVersion('team_settings');
  if (version === null) return parse(store.settings.value(key), schema);
  let cache = caches.get(store);
  if (!cache || cache.version !== version) {
    cache = { version, entries: new Map() };
    caches.set(store, cache);
  }
  let entry = cache.entries.get(key);
  if (!entry) {
    entry = { row: store.settings.value(key), parsed: new Map() };
    cache.entries.set(key, entry);
  }
  if (entry.parsed.has(schema)) return entry.parsed.get(schema) as { value: T } | undefined;
  const result = parse(entry.row, schema);
  if (result) deepFreeze(result.value);
  entry.parsed.set(schema, result);
  return result;
}

/**
 * The stored value for `key` parsed with `schema`, or `fallback` when nothing is stored. A stored
 * value that no longer parses (an older shape) also falls back, so a bad row cannot stop the bot.
 * The value is shared with other readers and frozen: copy it to change it.
 */
export function readSetting<T>(ctx: AppContext, key: string, schema: z.ZodType<T>, fallback: T): T {
  const stored = storedSetting(ctx.store, key, schema);
  return stored ? stored.value : fallback;
}

/** As readSetting, with the fallback built only when it is needed. */
export function readSettingOr<T>(ctx: AppContext, key: string, schema: z.ZodType<T>, fallback: () => T): T {
  const stored = storedSetting(ctx.store, key, schema);
  return stored ? stored.value : fallback();
}

/** Stores `value` for `key` with an audit event (entity 'setting'); call inside the request's transaction. */
export function writeSetting<T>(ctx: RequestContext, key: string, value: T): void {
  const before = ctx.store.settings.value(key)?.value ?? null;
  const now = ctx.clock.now();
  ctx.store.settings.write({ key, value, updatedAt: now, updatedBy: actorPersonId(ctx.actor) });
  recordAudit(ctx, { entity: 'setting', entityId: key, action: 'setting.changed', before, after: value });
}
