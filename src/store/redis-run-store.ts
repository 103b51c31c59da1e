import { type AttemptClaim, rollbackOwner, stepOwner } from "../domain/run/attempt.js";
import { generationAt, runIdOf } from "../domain/run/create.js";
import { DAY_MS, DEFAULT_FINISHED_RUN_DAYS } from "../domain/run/retention.js";
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
import { APPEND_AUDIT, CREATE_RUN, NEWEST_RUNS_OF, PRUNE_RUNS, SAVE_RUN } from "./scripts.js";

type ScriptReply = [string, string?];

const CREATE_RUN_BY = withDeadline(CREATE_RUN);
const SAVE_RUN_BY = withDeadline(SAVE_RUN);
const APPEND_AUDIT_BY = withDeadline(APPEND_AUDIT);
const PRUNE_RUNS_BY = withDeadline(PRUNE_RUNS);
const NEWEST_RUNS_OF_BY = withDeadline(NEWEST_RUNS_OF);

export interface RedisRunStoreOptions {
  /**
   * A write not carried out by Redis within this long after it was sent is never carried out (checked on Redis's
   * clock): what answers a user in Slack sets it, so nothing they were told failed happens once Redis is back.
   */
  writeBudgetMs?: number;
  /** The clock a run id counter that starts takes its generation from. */
  now?: () => Date;
  /** How long a finished run and its audit trail are kept, in ms (90 days by default). */
  finishedRunMs?: number;
}

/**
 * RunStore on Redis: a hash per run (JSON + revision), a lock per service, a stream per run for the audit. A
 * finished run and its audit expire (finishedRunMs after it ended) and leave the indexes. A call that cannot reach
 * Redis throws StoreUnavailableError.
 */
export class RedisRunStore implements RunStore {
  private readonly keys: StoreKeys;
  private readonly indexKeys = new WeakMap<readonly string[], string[]>();

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
          k.finishedRuns(service),
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
      [
        this.keys.run(next.id),
        this.keys.lock(next.service),
        this.keys.audit(next.id),
        this.keys.serviceRuns(next.service),
        this.keys.allRuns(),
        this.keys.finishedRuns(next.service),
      ],
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
        String(this.finishedRunMs),
        ...(audit ? encodeAudit(audit) : []),
      ],
    );
    if (outcome === "ok") return { ok: true };
    if (outcome === "stale") return { ok: false, conflict: "stale", owner: holder ?? "unknown" };
    if (outcome === "locked") return { ok: false, conflict: "locked", activeRunId: holder ?? "unknown" };
    if (outcome === "missing") throw new Error(`run ${next.id} does not exist`);
    return { ok: false, conflict: "revision" };
  }

  /** How long a finished run is kept (ms). */
  get finishedRunMs(): number {
    return this.options.finishedRunMs ?? DEFAULT_FINISHED_RUN_DAYS * DAY_MS;
  }

  async appendAudit(runId: string, audit: AuditInput): Promise<void> {
    await this.script(APPEND_AUDIT_BY, [this.keys.run(runId), this.keys.audit(runId)], encodeAudit(audit));
  }

  async audit(runId: string): Promise<AuditEntry[]> {
    const entries = await this.redis.xrange(this.keys.audit(runId), "-", "+").catch(rethrow);
    return entries.map(([id, fields]) => decodeAudit(id, fields));
  }

  async activeRunId(service: string): Promise<string | null> {
    return this.redis.get(this.keys.lock(service)).catch(rethrow);
  }

  /**
   * Newest first. The ids of expired runs still in the index read (their service saved nothing since) are taken
   * out of it, and the next ones read instead: a list never names a run that is gone.
   */
  async list(query: ListQuery = {}): Promise<Run[]> {
    if (query.services) return this.newestOf(query.services, query.limit ?? 20);
    const k = this.keys;
    if (query.service)
      await this.script(
        PRUNE_RUNS_BY,
        [k.finishedRuns(query.service), k.serviceRuns(query.service), k.allRuns()],
        [],
      );
    const index = query.service ? k.serviceRuns(query.service) : k.allRuns();
    const limit = query.limit ?? 20;
    const runs: Run[] = [];
    const gone: string[] = [];
    for (let start = 0; runs.length < limit; ) {
      const ids = await this.redis.zrevrange(index, start, start + limit - runs.length - 1).catch(rethrow);
      if (ids.length === 0) break;
      start += ids.length;
      const read = await this.readRuns(ids);
      runs.push(...read.runs);
      gone.push(...read.gone);
    }
    if (gone.length > 0) await this.redis.zrem(index, ...gone).catch(rethrow);
    return runs;
  }

  /** The newest runs of these services together: one script for every index, one pipeline for the runs. */
  private async newestOf(services: readonly string[], limit: number): Promise<Run[]> {
    if (services.length === 0) return [];
    const k = this.keys;
    const keys = this.indexKeysOf(services);
    for (;;) {
      const reply = await this.script(NEWEST_RUNS_OF_BY, keys, [limit]);
      const newest = Array.from({ length: reply.length / 2 }, (_, i) => ({
        id: reply[2 * i] as string,
        service: services[Number(reply[2 * i + 1])] as string,
      }));
      const { runs, gone } = await this.readRuns(newest.map(({ id }) => id));
      if (gone.length === 0) return runs;
      // Runs whose record is gone leave their index; the newest are read again without them.
      const leave = this.redis.pipeline();
      for (const { id, service } of newest) if (gone.includes(id)) leave.zrem(k.serviceRuns(service), id);
      await leave.exec().catch(rethrow);
    }
  }

  /**
   * The index keys of these services for NEWEST_RUNS_OF, built once per list of services (a channel's, as
   * `servicesInChannel` keeps it): `/migrate status` in a channel of 200 services built 401 keys per request.
   */
  private indexKeysOf(services: readonly string[]): string[] {
    const known = this.indexKeys.get(services);
    if (known) return known;
    const k = this.keys;
    const keys = [k.allRuns(), ...services.flatMap((s) => [k.finishedRuns(s), k.serviceRuns(s)])];
    this.indexKeys.set(services, keys);
    return keys;
  }

  /** The runs of these ids in one pipeline, in their order; `gone`: the ids whose record no longer exists. */
  private async readRuns(ids: string[]): Promise<{ runs: Run[]; gone: string[] }> {
    // An ioredis pipeline costs its set-up even empty: a channel without runs is answered without one.
    if (ids.length === 0) return { runs: [], gone: [] };
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.keys.run(id), "json");
    const replies = (await pipeline.exec().catch(rethrow)) ?? [];
    const runs: Run[] = [];
    const gone: string[] = [];
    ids.forEach((id, i) => {
      const [error, json] = replies[i] ?? [null, null];
      if (error) rethrow(error);
      if (typeof json === "string") runs.push(decodeRun(id, json));
      else gone.push(id);
    });
    return { runs, gone };
  }
}

function rethrow(error: unknown): never {
  throw unreachable(error);
}
