/**
 * Every Redis key phasegate uses, under one configurable prefix (e.g. "phasegate:"). On a Redis Cluster the
 * prefix carries a hash tag ("{phasegate}:"), so all of them share one slot: CREATE_RUN and SAVE_RUN touch several
 * keys at once, and the list pipeline reads many (see src/net/redis/hash-tag.ts).
 */
export function storeKeys(prefix: string) {
  return {
    run: (runId: string) => `${prefix}run:${runId}`,
    audit: (runId: string) => `${prefix}audit:${runId}`,
    lock: (service: string) => `${prefix}lock:${service}`,
    /** The service's run id counter: its generation (see runIdOf) and the last number given. */
    runIds: (service: string) => `${prefix}ids:${service}`,
    serviceRuns: (service: string) => `${prefix}runs:${service}`,
    allRuns: () => `${prefix}runs`,
    /** Sorted set of the service's finished runs, scored by when they expire (Unix ms): their ids leave the indexes. */
    finishedRuns: (service: string) => `${prefix}finished:${service}`,
    /** Hash of the release phasegate last deployed of a service: version, runId. */
    deployed: (service: string) => `${prefix}deployed:${service}`,
    /** Hash of the follow-ups a service's next releases owe. */
    owed: (service: string) => `${prefix}owed:${service}`,
    /** Hash of the active freezes, field: the service or "all". */
    freezes: () => `${prefix}freezes`,
    /** Hash of the processes a run's running step started (see ports/attempt-processes.ts). */
    processes: (runId: string) => `${prefix}procs:${runId}`,
    /** Stream of the freezes and unfreezes, done or refused. */
    freezeAudit: () => `${prefix}freeze-audit`,
    /** Stream of the Slack replies not posted yet (the notification outbox). */
    outbox: () => `${prefix}outbox`,
    /** Written once on first use; its disappearance means Redis lost phasegate's data. */
    stateMarker: () => `${prefix}state-marker`,
    /**
     * BullMQ's own prefix for the step queue's keys, so one prefix holds (and a test deletes) everything. The wiring
     * hands it to src/queue, which may not import the store.
     */
    bull: () => `${prefix}bull`,
    /** The rewrite speed last measured on a service's database (JSON), for the live facts' estimates. */
    rewriteRate: (service: string) => `${prefix}rewrite-rate:${service}`,
    /** A signed Slack request already received (its v0= signature), kept while its timestamp is in the window. */
    replay: (signature: string) => `${prefix}replay:${signature}`,
    /** Hash of the deploy a pipeline reported for a run (version, by, at). */
    pipelineDeployed: (runId: string) => `${prefix}pipeline-deployed:${runId}`,
    /** A start's Idempotency-Key, per token scope (a hash of the key): its request's fingerprint and run id. */
    idempotency: (scope: string, keyHash: string) => `${prefix}idem:${scope}:${keyHash}`,
    /** Stream of the pipeline API's refused calls and started runs. */
    apiAudit: () => `${prefix}api-audit`,
  };
}

export type StoreKeys = ReturnType<typeof storeKeys>;
