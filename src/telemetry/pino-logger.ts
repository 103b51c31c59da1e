import { createRequire } from "node:module";
import type pino from "pino";
import { logContext } from "../ports/log-context.js";
import type { Logger } from "../ports/logger.js";
import { withoutHttpRequests } from "./http-error-scrub.js";
import { logFormat } from "./log-format.js";
import { LOG_LEVEL as LEVEL, SEVERITY } from "./log-level.js";

const THRESHOLD = LEVEL === "silent" ? Number.POSITIVE_INFINITY : (SEVERITY[LEVEL] ?? 0);
const NOTHING = () => {};

let made: Logger | undefined;

/** Loading pino costs about 40 ms; `phasegate plan` starts Django before it logs anything, if it ever does. */
function make(): Logger {
  const load = createRequire(import.meta.url)("pino") as typeof pino;
  made = load(
    {
      name: "phasegate",
      level: LEVEL,
      ...logFormat,
      // The request, run and step of the work at hand, on each of its lines (src/ports/log-context.ts).
      mixin: logContext,
      serializers: { err: (error: unknown) => withoutHttpRequests(load.stdSerializers.err(error as Error)) },
    },
    load.destination(2),
  );
  return made;
}

/**
 * Structured JSON logs on stderr (stdout stays free for command output such as `plan --json`). pino is loaded on
 * the first line at or above the level, or the first other use (`child`, setting `level`).
 */
export const logger: Logger = new Proxy({} as Logger, {
  get(_, property) {
    if (!made && typeof property === "string" && (SEVERITY[property] ?? THRESHOLD) < THRESHOLD)
      return NOTHING;
    const real = made ?? make();
    const value = Reflect.get(real, property, real);
    return typeof value === "function" ? value.bind(real) : value;
  },
  set(_, property, value) {
    return Reflect.set(made ?? make(), property, value);
  },
});
