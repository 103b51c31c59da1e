import type { FetchAnswer } from "./bounded-answer.js";

/** Where a redirect pointed: its status and Location ("nowhere" when it names none). */
export interface Redirect {
  status: number;
  location: string;
}

/**
 * A 3xx answer of a fetch made with `redirect: "manual"` (a client that follows none: the request stays with the
 * configured server), its body dropped; null for any other answer.
 */
export async function redirectOf(response: FetchAnswer & { status: number }): Promise<Redirect | null> {
  if (response.status < 300 || response.status >= 400) return null;
  await response.body?.cancel().catch(() => undefined);
  return { status: response.status, location: response.headers.get("location") ?? "nowhere" };
}
