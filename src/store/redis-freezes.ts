import { z } from "zod";
import type { Freeze } from "../domain/run/contract-hold.js";
import type { RedisClient } from "../net/redis/connect.js";
import type { FreezeAuditEntry, FreezeStore, SetFreezeResult } from "../ports/freeze-store.js";
import { evalWithin, unreachable, withDeadline } from "./deadline.js";
import { type StoreKeys, storeKeys } from "./keys.js";

const freezeSchema = z.strictObject({
  scope: z.string(),
  by: z.string(),
  reason: z.string(),
  at: z.string(),
}) satisfies z.ZodType<Freeze>;

const auditSchema = z.strictObject({
  at: z.string(),
  by: z.string(),
  action: z.enum(["freeze", "unfreeze"]),
  scope: z.string(),
  outcome: z.enum(["applied", "refused"]),
  detail: z.string(),
}) satisfies z.ZodType<FreezeAuditEntry>;

/** The trail keeps about this many entries (Redis trims it approximately). */
const AUDIT_KEPT = 10_000;

/** KEYS: freezes, audit. ARGV: scope, freeze json, audit json, audit length. */
const SET_FREEZE = withDeadline(`
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then return {'exists', existing} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'json', ARGV[3])
return {'ok'}`);

/** KEYS: freezes, audit. ARGV: scope, audit json, audit length. */
const REMOVE_FREEZE = withDeadline(`
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if not existing then return {'missing'} end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'json', ARGV[2])
return {'ok', existing}`);

function decode<T>(schema: z.ZodType<T>, json: string, what: string): T {
  const parsed = schema.safeParse(parseJson(json));
  if (!parsed.success)
    throw new Error(
      `a stored ${what} is not one phasegate wrote (${json.slice(0, 100)}): delete it in Redis`,
    );
  return parsed.data;
}

function parseJson(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** FreezeStore on Redis: a hash of the active freezes and a stream of their audit, written together. */
export class RedisFreezeStore implements FreezeStore {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    /** Writes not carried out within this long are never carried out (see RedisRunStore). */
    private readonly writeBudgetMs?: number,
  ) {
    this.keys = storeKeys(prefix);
  }

  /** An unreadable freeze throws: the worker then holds contract steps (fail closed). */
  async list(): Promise<Freeze[]> {
    const all = await this.redis.hgetall(this.keys.freezes()).catch(rethrow);
    return Object.values(all).map((json) => decode(freezeSchema, json, "freeze"));
  }

  async set(freeze: Freeze, audit: FreezeAuditEntry): Promise<SetFreezeResult> {
    const [outcome, existing] = await evalWithin(
      this.redis,
      this.writeBudgetMs,
      SET_FREEZE,
      [this.keys.freezes(), this.keys.freezeAudit()],
      [freeze.scope, JSON.stringify(freeze), JSON.stringify(audit), AUDIT_KEPT],
    );
    if (outcome === "exists" && existing)
      return { ok: false, existing: decode(freezeSchema, existing, "freeze") };
    return { ok: true };
  }

  async remove(scope: string, audit: FreezeAuditEntry): Promise<Freeze | null> {
    const [outcome, existing] = await evalWithin(
      this.redis,
      this.writeBudgetMs,
      REMOVE_FREEZE,
      [this.keys.freezes(), this.keys.freezeAudit()],
      [scope, JSON.stringify(audit), AUDIT_KEPT],
    );
    return outcome === "ok" && existing ? decode(freezeSchema, existing, "freeze") : null;
  }

  async appendAudit(entry: FreezeAuditEntry): Promise<void> {
    await this.redis
      .xadd(this.keys.freezeAudit(), "MAXLEN", "~", AUDIT_KEPT, "*", "json", JSON.stringify(entry))
      .catch(rethrow);
  }

  async audit(limit: number): Promise<FreezeAuditEntry[]> {
    const entries = await this.redis
      .xrevrange(this.keys.freezeAudit(), "+", "-", "COUNT", limit)
      .catch(rethrow);
    return entries.flatMap(([, fields]) => {
      const json = fields[fields.indexOf("json") + 1];
      const parsed = json ? auditSchema.safeParse(parseJson(json)) : null;
      return parsed?.success ? [parsed.data] : [];
    });
  }
}

function rethrow(error: unknown): never {
  throw unreachable(error);
}
