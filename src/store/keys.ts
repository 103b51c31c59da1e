/** Every Redis key of the run store, under one configurable prefix (e.g. "phasegate:"). */
export function storeKeys(prefix: string) {
  return {
    run: (runId: string) => `${prefix}run:${runId}`,
    audit: (runId: string) => `${prefix}audit:${runId}`,
    lock: (service: string) => `${prefix}lock:${service}`,
    sequence: (service: string) => `${prefix}seq:${service}`,
    serviceRuns: (service: string) => `${prefix}runs:${service}`,
    allRuns: () => `${prefix}runs`,
    /** Hash of the follow-ups a service's next releases owe. */
    owed: (service: string) => `${prefix}owed:${service}`,
  };
}

export type StoreKeys = ReturnType<typeof storeKeys>;
