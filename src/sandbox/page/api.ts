/// <reference lib="dom" />

/** POSTs JSON to the sandbox's API; its answer, refused or not. */
export async function post(
  path: string,
  body: unknown,
): Promise<{ ok: boolean; data: Record<string, unknown> }> {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { ok: response.ok, data: (await response.json()) as Record<string, unknown> };
}

/** Shows why a request was refused under the composer (an empty text hides it). */
export function notice(text: string): void {
  const element = document.getElementById("notice");
  if (!element) return;
  element.textContent = text;
  element.hidden = text === "";
}

/** Between two questions to a sandbox that is still starting. */
const STARTING_RETRY_MS = 500;

/**
 * The sandbox's session once it is up. It answers 503 for its first seconds (Django, PostgreSQL and the fleet are
 * still starting): meanwhile the page says so and asks again, instead of drawing nothing.
 */
export async function readySession<T>(): Promise<T> {
  for (;;) {
    const response = await fetch("/api/session").catch(() => null);
    if (response?.ok) {
      notice("");
      return (await response.json()) as T;
    }
    if (response && response.status !== 503) {
      const answer = (await response.json().catch(() => ({}))) as { error?: unknown };
      notice(
        `The sandbox refused this page: ${String(answer.error ?? response.status)}. Open the URL it printed.`,
      );
      throw new Error(`GET /api/session answered ${response.status}`);
    }
    notice("The sandbox is starting… this page carries on by itself once it is ready.");
    await new Promise((resolve) => setTimeout(resolve, STARTING_RETRY_MS));
  }
}
