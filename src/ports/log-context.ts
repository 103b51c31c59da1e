import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The ids every log line of the work at hand carries (the logger adds them, src/telemetry/pino-logger.ts): the
 * Slack or HTTP request, the run once it is known, the step a worker runs. It follows the work across awaits, so
 * the lines of libraries and of code that never heard of the request carry them too.
 */
export interface LogFields {
  requestId?: string;
  runId?: string;
  step?: number;
  jobId?: string;
}

const storage = new AsyncLocalStorage<LogFields>();

/** Runs `work` with these ids added to those of the work around it. */
export function withLogContext<T>(fields: LogFields, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, work);
}

/** Adds ids to the work at hand from here on (the run id, once a start created the run); none outside one. */
export function noteLogContext(fields: LogFields): void {
  const current = storage.getStore();
  if (current) Object.assign(current, fields);
}

export function logContext(): LogFields {
  return storage.getStore() ?? {};
}
