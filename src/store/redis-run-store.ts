import type { Redis } from "ioredis";
import { runIdOf } from "../domain/run/create.js";
import { isTerminal, type Run } from "../domain/run/run.js";
import type {
  AuditEntry,
  AuditInput,
  CreateResult,
  ListQuery,
  RunStore,
  SaveResult,
} from "../ports/run-store.js";
import { decodeAudit, encodeAudit } from "./audit-codec.js";
import { type StoreKeys, storeKeys } from "./keys.js";
import { decodeRun } from "./run-schema.js";
import { CREATE_RUN, SAVE_RUN } from "./scripts.js";

type ScriptReply = [string, string?];

/** RunStore on Redis: a hash per run (JSON + revision), a lock per service, a stream per run for the audit. */
export class RedisRunStore implements RunStore {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
  }

  async nextRunId(service: string): Promise<string> {
    return runIdOf(service, await this.redis.incr(this.keys.sequence(service)));
  }

  async create(run: Run, audit: AuditInput): Promise<CreateResult> {
    const k = this.keys;
    const [outcome, holder] = (await this.redis.eval(
      CREATE_RUN,
      5,
      k.run(run.id),
      k.lock(run.service),
      k.audit(run.id),
      k.serviceRuns(run.service),
      k.allRuns(),
      run.id,
      JSON.stringify(run),
      Date.parse(run.createdAt),
      ...encodeAudit(audit),
    )) as ScriptReply;
    if (outcome === "locked") return { ok: false, activeRunId: holder ?? "unknown" };
    if (outcome === "exists") throw new Error(`run ${run.id} already exists; its id counter was reset?`);
    return { ok: true };
  }

  async get(runId: string): Promise<Run | null> {
    const json = await this.redis.hget(this.keys.run(runId), "json");
    return json === null ? null : decodeRun(runId, json);
  }

  async save(next: Run, expectedRevision: number, audit: AuditInput): Promise<SaveResult> {
    if (next.revision !== expectedRevision + 1)
      throw new Error(`run ${next.id}: saving revision ${next.revision} over ${expectedRevision}`);
    const [outcome, holder] = (await this.redis.eval(
      SAVE_RUN,
      3,
      this.keys.run(next.id),
      this.keys.lock(next.service),
      this.keys.audit(next.id),
      next.id,
      String(expectedRevision),
      JSON.stringify(next),
      String(next.revision),
      isTerminal(next.status) ? "release" : "hold",
      ...encodeAudit(audit),
    )) as ScriptReply;
    if (outcome === "ok") return { ok: true };
    if (outcome === "locked") return { ok: false, conflict: "locked", activeRunId: holder ?? "unknown" };
    if (outcome === "missing") throw new Error(`run ${next.id} does not exist`);
    return { ok: false, conflict: "revision" };
  }

  async appendAudit(runId: string, audit: AuditInput): Promise<void> {
    await this.redis.xadd(this.keys.audit(runId), "*", ...encodeAudit(audit));
  }

  async audit(runId: string): Promise<AuditEntry[]> {
    const entries = await this.redis.xrange(this.keys.audit(runId), "-", "+");
    return entries.map(([id, fields]) => decodeAudit(id, fields));
  }

  async activeRunId(service: string): Promise<string | null> {
    return this.redis.get(this.keys.lock(service));
  }

  async list(query: ListQuery = {}): Promise<Run[]> {
    const index = query.service ? this.keys.serviceRuns(query.service) : this.keys.allRuns();
    const ids = await this.redis.zrevrange(index, 0, (query.limit ?? 20) - 1);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.keys.run(id), "json");
    const replies = (await pipeline.exec()) ?? [];
    return ids.flatMap((id, i) => {
      const json = replies[i]?.[1];
      return typeof json === "string" ? [decodeRun(id, json)] : [];
    });
  }
}
