import { type AttemptClaim, rollbackOwner, stepOwner } from "../domain/run/attempt.js";
import { generationAt, runIdOf } from "../domain/run/create.js";
import { holdsServiceLock } from "../domain/run/rollback-reducer.js";
import type { Run } from "../domain/run/run.js";
import type { RedisClient } from "../net/redis/connect.js";
import type {
  AuditEntry,
  AuditInput,
  CreateResult,
  ListQuery,
  RunStore,
  SaveResult,
} from "../ports/run-store.js";
import { decodeAudit, encodeAudit } from "./audit-codec.js";
import { evalWithin, unreachable, withDeadline } from "./deadline.js";
import { type StoreKeys, storeKeys } from "./keys.js";
import { decodeRun } from "./run-schema.js";
import { CREATE_RUN, SAVE_RUN } from "./scripts.js";

type ScriptReply = [string, string?];

const CREATE_RUN_BY = withDeadline(CREATE_RUN);
const SAVE_RUN_BY = withDeadline(SAVE_RUN);

export interface RedisRunStoreOptions {
  /**
   * A write not carried out by Redis within this long after it was sent is never carried out (checked on Redis's
   * clock): what answers a user in Slack sets it, so nothing they were told failed happens once Redis is back.
   */
  writeBudgetMs?: number;
  /** The clock a run id counter that starts takes its generation from. */
  now?: () => Date;
}

/**
 * RunStore on Redis: a hash per run (JSON + revision), a lock per service, a stream per run for the audit. A call
 * that cannot reach Redis throws StoreUnavailableError.
 */
export class RedisRunStore implements RunStore {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly options: RedisRunStoreOptions = {},
  ) {
    this.keys = storeKeys(prefix);
  }

  private async script(script: string, keys: string[], args: Array<string | number>): Promise<ScriptReply> {
    return (await evalWithin(this.redis, this.options.writeBudgetMs, script, keys, args)) as ScriptReply;
  }

  async create(service: string, build: (id: string) => Run, audit: AuditInput): Promise<CreateResult> {
    const k = this.keys;
    const now = this.options.now ?? (() => new Date());
    for (;;) {
      const [gen, n] = await this.redis.hmget(k.runIds(service), "gen", "n").catch(rethrow);
      // A counter that starts (again) takes its generation from the clock: ids never repeat.
      const generation = gen ?? generationAt(now().getTime());
      const number = Number(n ?? 0) + 1;
      const run = build(runIdOf(service, generation, number));
      const [outcome, holder] = await this.script(
        CREATE_RUN_BY,
        [
          k.run(run.id),
          k.lock(run.service),
          k.audit(run.id),
          k.serviceRuns(run.service),
          k.allRuns(),
          k.runIds(service),
        ],
        [
          run.id,
          JSON.stringify(run),
          Date.parse(run.createdAt),
          generation,
          String(number),
          stepOwner(run),
          ...encodeAudit(audit),
        ],
      );
      if (outcome === "locked") return { ok: false, activeRunId: holder ?? "unknown" };
      if (outcome === "exists") throw new Error(`run ${run.id} already exists; its id counter was reset?`);
      if (outcome === "ok") return { ok: true, run };
    }
  }

  async get(runId: string): Promise<Run | null> {
    const json = await this.redis.hget(this.keys.run(runId), "json").catch(rethrow);
    return json === null ? null : decodeRun(runId, json);
  }

  async save(
    next: Run,
    expectedRevision: number,
    audit: AuditInput | null,
    claim: AttemptClaim | null = null,
  ): Promise<SaveResult> {
    if (next.revision !== expectedRevision + 1)
      throw new Error(`run ${next.id}: saving revision ${next.revision} over ${expectedRevision}`);
    const [outcome, holder] = await this.script(
      SAVE_RUN_BY,
      [this.keys.run(next.id), this.keys.lock(next.service), this.keys.audit(next.id)],
      [
        next.id,
        String(expectedRevision),
        JSON.stringify(next),
        String(next.revision),
        holdsServiceLock(next) ? "hold" : "release",
        claim ? `${claim.of}-owner` : "",
        claim?.owner ?? "",
        stepOwner(next),
        rollbackOwner(next),
        ...(audit ? encodeAudit(audit) : []),
      ],
    );
    if (outcome === "ok") return { ok: true };
    if (outcome === "stale") return { ok: false, conflict: "stale", owner: holder ?? "unknown" };
    if (outcome === "locked") return { ok: false, conflict: "locked", activeRunId: holder ?? "unknown" };
    if (outcome === "missing") throw new Error(`run ${next.id} does not exist`);
    return { ok: false, conflict: "revision" };
  }

  async appendAudit(runId: string, audit: AuditInput): Promise<void> {
    await this.redis.xadd(this.keys.audit(runId), "*", ...encodeAudit(audit)).catch(rethrow);
  }

  async audit(runId: string): Promise<AuditEntry[]> {
    const entries = await this.redis.xrange(this.keys.audit(runId), "-", "+").catch(rethrow);
    return entries.map(([id, fields]) => decodeAudit(id, fields));
  }

  async activeRunId(service: string): Promise<string | null> {
    return this.redis.get(this.keys.lock(service)).catch(rethrow);
  }

  async list(query: ListQuery = {}): Promise<Run[]> {
    const index = query.service ? this.keys.serviceRuns(query.service) : this.keys.allRuns();
    const ids = await this.redis.zrevrange(index, 0, (query.limit ?? 20) - 1).catch(rethrow);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.keys.run(id), "json");
    const replies = (await pipeline.exec().catch(rethrow)) ?? [];
    return ids.flatMap((id, i) => {
      const json = replies[i]?.[1];
      return typeof json === "string" ? [decodeRun(id, json)] : [];
    });
  }
}

function rethrow(error: unknown): never {
  throw unreachable(error);
}
