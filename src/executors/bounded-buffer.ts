/** Collects a stream's bytes up to a limit, keeping either its beginning ("head") or its end ("tail"). */
export class BoundedBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes that did not fit. */
  dropped = 0;

  constructor(
    private readonly limit: number,
    private readonly keep: "head" | "tail",
  ) {}

  push(chunk: Buffer): void {
    if (this.keep === "head") {
      const room = this.limit - this.size;
      const kept = chunk.length <= room ? chunk : chunk.subarray(0, Math.max(room, 0));
      this.dropped += chunk.length - kept.length;
      if (kept.length > 0) this.append(kept);
      return;
    }
    this.append(chunk);
    while (this.size > this.limit && this.chunks.length > 0) {
      const first = this.chunks[0] as Buffer;
      const excess = this.size - this.limit;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
        this.dropped += excess;
      }
    }
  }

  text(): string {
    return Buffer.concat(this.chunks, this.size).toString("utf8");
  }

  private append(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }
}
