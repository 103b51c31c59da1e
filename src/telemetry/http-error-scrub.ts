type ErrorShaped = Record<string, unknown> & { message: string };

/** An Error, or what pino's serializer made of one: the only values worth walking into. */
function errorShaped(value: unknown): value is ErrorShaped {
  return (
    value instanceof Error ||
    (typeof value === "object" &&
      value !== null &&
      typeof (value as { message?: unknown }).message === "string")
  );
}

/**
 * An HTTP client's error carries the request it made: axios's (inside the Slack Web API client's request errors,
 * as `original`) holds its config and the raw request, the bot token's `Authorization: Bearer xoxb-…` header
 * included. A serialized error keeps only what says what went wrong. Only errors nested in errors are walked
 * (`original`, `cause`, …), never other objects an error holds (a client, a socket), and nothing is changed in
 * place: what changes is copied.
 */
export function withoutHttpRequests(error: unknown, seen = new Set<object>()): unknown {
  if (!errorShaped(error) || seen.has(error)) return error;
  seen.add(error);
  if (error.isAxiosError === true) {
    const { type, message, code, status } = error;
    return { type, message, code, ...(status === undefined ? {} : { status }) };
  }
  let copy: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(error)) {
    const scrubbed = withoutHttpRequests(value, seen);
    if (scrubbed !== value) {
      copy ??= { ...error, message: error.message, stack: error.stack };
      copy[key] = scrubbed;
    }
  }
  return copy ?? error;
}
