/**
 * An HTTP client's error carries the request it made: axios's (inside the Slack Web API client's request errors,
 * as `original`) holds its config and the raw request, the bot token's `Authorization: Bearer xoxb-…` header
 * included. A serialized error keeps only what says what went wrong; the request is dropped at any depth.
 */
export function withoutHttpRequests(serialized: unknown, depth = 0): unknown {
  if (serialized === null || typeof serialized !== "object" || depth > 8) return serialized;
  const error = serialized as Record<string, unknown>;
  if (error.isAxiosError === true) {
    const { type, message, code, status } = error;
    return { type, message, code, ...(status === undefined ? {} : { status }) };
  }
  for (const [key, value] of Object.entries(error))
    if (value !== null && typeof value === "object") error[key] = withoutHttpRequests(value, depth + 1);
  return error;
}
