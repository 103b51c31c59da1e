/**
 * The store could not be reached in time (Redis down, paused, or too slow): the operation was not carried out,
 * and a write given a deadline will not be carried out later either. Callers answer "Redis is unreachable".
 */
export class StoreUnavailableError extends Error {
  constructor(detail: string) {
    super(`Redis cannot be reached: ${detail}`);
    this.name = "StoreUnavailableError";
  }
}
