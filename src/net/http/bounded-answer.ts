/** An answer whose body (or declared Content-Length) is larger than the reader's limit. */
export class AnswerTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the answer is larger than ${limit} bytes`);
    this.name = "AnswerTooLarge";
  }
}

/**
 * An answer whose body stopped before its end: the connection closed or was reset half-way (by the server, or a
 * proxy or load balancer between). Said in these words, not fetch's ("terminated", "other side closed").
 */
export class AnswerBrokenOff extends Error {
  constructor(readonly received: number) {
    super(`the connection closed after ${received} bytes, before the answer was complete`);
    this.name = "AnswerBrokenOff";
  }
}

/** What the reader needs of an answer: Node's global fetch and undici's both give it. */
export interface FetchAnswer {
  headers: { get(name: string): string | null };
  body: AnswerBody | null;
}

/** What both fetches' ReadableStream has. */
interface AnswerBody {
  cancel(): Promise<void>;
  getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> };
}

/**
 * A fetch answer's body as UTF-8, read up to `limit` bytes: a declared Content-Length over it is refused unread,
 * a body that grows past it is cancelled rather than read on. Either throws AnswerTooLarge; a body broken off
 * throws AnswerBrokenOff, an aborted read its abort reason.
 */
export async function boundedText(response: FetchAnswer, limit: number): Promise<string> {
  if (Number(response.headers.get("content-length") ?? "0") > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw new AnswerTooLarge(limit);
  }
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read().catch((error: unknown) => {
      // Fetch errors the body with a TypeError when the connection fails, with the signal's reason when aborted.
      throw error instanceof TypeError ? new AnswerBrokenOff(size) : error;
    });
    if (done || !value) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new AnswerTooLarge(limit);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks, size));
}
