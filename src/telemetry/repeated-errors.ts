import type { Logger } from "../ports/logger.js";

/**
 * An error handler for something that fails over and over while a dependency is down (a worker retrying Redis every
 * few hundred milliseconds): the first error is logged at once, then at most one line per `everyMs`, saying how many
 * were left out in between, so an outage of an hour is a few dozen lines instead of tens of thousands.
 */
export function logRepeatedErrors(logger: Logger, message: string, everyMs: number): (error: Error) => void {
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let leftOut = 0;
  return (error) => {
    const now = Date.now();
    if (now - lastLoggedAt < everyMs) {
      leftOut += 1;
      return;
    }
    logger.error({ err: error, leftOut }, message);
    lastLoggedAt = now;
    leftOut = 0;
  };
}
