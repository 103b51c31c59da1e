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
