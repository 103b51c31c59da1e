import { createHash } from "node:crypto";
import { z } from "zod";
import type { RedisClient } from "../net/redis/connect.js";
import type {
  ApiAuditEntry,
  IdempotencyClaim,
  PipelineDeploy,
  PipelineStore,
} from "../ports/pipeline-store.js";
import { unreachable } from "./deadline.js";
import { type StoreKeys, storeKeys } from "./keys.js";

/** A reported deploy outlives any run's wait for it. */
const DEPLOY_KEPT_SECONDS = 30 * 24 * 3600;
/** The audit keeps about this many entries (Redis trims it approximately). */
const AUDIT_KEPT = 10_000;

const deploySchema = z.strictObject({ version: z.string(), by: z.string(), at: z.string() });
const auditSchema = z.strictObject({
  at: z.string(),
  status: z.number(),
  method: z.string(),
  path: z.string(),
  token: z.string().nullable(),
  service: z.string().nullable(),
  remote: z.string().nullable(),
  detail: z.string(),
}) satisfies z.ZodType<ApiAuditEntry>;

/** "pending:<fingerprint>" while the first call starts its run, then "run:<runId>:<fingerprint>". */
const PENDING = "pending:";
const STARTED = "run:";

/** PipelineStore on Redis: a hash per reported deploy, a string per idempotency key, a stream for the audit. */
export class RedisPipelineStore implements PipelineStore {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
  }

  async deployed(runId: string): Promise<PipelineDeploy | null> {
    const hash = await this.redis.hgetall(this.keys.pipelineDeployed(runId)).catch(rethrow);
    const parsed = deploySchema.safeParse(hash);
    return parsed.success ? parsed.data : null;
  }

  async markDeployed(runId: string, deploy: PipelineDeploy): Promise<void> {
    const key = this.keys.pipelineDeployed(runId);
    // HSETNX on the version field: the first report stands.
    const first = await this.redis.hsetnx(key, "version", deploy.version).catch(rethrow);
    if (first === 1) {
      await this.redis
        .multi()
        .hset(key, "by", deploy.by, "at", deploy.at)
        .expire(key, DEPLOY_KEPT_SECONDS)
        .exec()
        .catch(rethrow);
    }
  }

  async claimKey(scope: string, key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyClaim> {
    const name = this.idempotencyKey(scope, key);
    const set = await this.redis.set(name, `${PENDING}${fingerprint}`, "PX", ttlMs, "NX").catch(rethrow);
    if (set === "OK") return { state: "claimed" };
    const value = (await this.redis.get(name).catch(rethrow)) ?? "";
    if (value.startsWith(STARTED)) {
      const [runId = "", ...rest] = value.slice(STARTED.length).split(":");
      return { state: "started", runId, fingerprint: rest.join(":") };
    }
    // Gone between SET and GET (released or expired): treat as someone else's start still going.
    return { state: "pending", fingerprint: value.slice(PENDING.length) };
  }

  async settleKey(scope: string, key: string, fingerprint: string, runId: string, ttlMs: number) {
    const value = `${STARTED}${runId}:${fingerprint}`;
    await this.redis.set(this.idempotencyKey(scope, key), value, "PX", ttlMs).catch(rethrow);
  }

  async releaseKey(scope: string, key: string): Promise<void> {
    await this.redis.del(this.idempotencyKey(scope, key)).catch(rethrow);
  }

  async audit(entry: ApiAuditEntry): Promise<void> {
    await this.redis
      .xadd(this.keys.apiAudit(), "MAXLEN", "~", AUDIT_KEPT, "*", "json", JSON.stringify(entry))
      .catch(rethrow);
  }

  async auditTrail(limit: number): Promise<ApiAuditEntry[]> {
    const entries = await this.redis.xrevrange(this.keys.apiAudit(), "+", "-", "COUNT", limit).catch(rethrow);
    return entries.flatMap(([, fields]) => {
      const parsed = auditSchema.safeParse(JSON.parse(fields[1] ?? "null"));
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** The key is hashed: a caller's key may be long or hold any character. */
  private idempotencyKey(scope: string, key: string): string {
    return this.keys.idempotency(scope, createHash("sha256").update(key).digest("hex"));
  }
}

function rethrow(error: unknown): never {
  throw unreachable(error);
}
