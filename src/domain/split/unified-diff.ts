/** One file's change; null content means the file does not exist on that side. */
export interface FileChange {
  path: string;
  before: string | null;
  after: string | null;
}

function lines(text: string | null): string[] {
  if (text === null || text === "") return [];
  return text.replace(/\n$/, "").split("\n");
}

/** Lines both sides share at the start and at the end; the hunk covers the middle. */
function commonEnds(a: string[], b: string[]): [number, number] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  return [head, tail];
}

const CONTEXT = 3;

function range(start: number, count: number): string {
  return count === 0 ? `${start},0` : `${start + 1},${count}`;
}

/**
 * A unified diff (git apply / patch accept it) with one hunk per file: the changed middle, three lines of
 * context around it.
 */
export function unifiedDiff(changes: FileChange[]): string {
  const out: string[] = [];
  for (const { path, before, after } of changes) {
    const a = lines(before);
    const b = lines(after);
    const [head, tail] = commonEnds(a, b);
    if (head === a.length && head === b.length) continue;
    const start = Math.max(0, head - CONTEXT);
    const endA = Math.min(a.length, a.length - tail + CONTEXT);
    const endB = Math.min(b.length, b.length - tail + CONTEXT);
    out.push(
      before === null ? "--- /dev/null" : `--- a/${path}`,
      after === null ? "+++ /dev/null" : `+++ b/${path}`,
    );
    out.push(`@@ -${range(start, endA - start)} +${range(start, endB - start)} @@`);
    for (let i = start; i < head; i++) out.push(` ${a[i]}`);
    for (let i = head; i < a.length - tail; i++) out.push(`-${a[i]}`);
    for (let i = head; i < b.length - tail; i++) out.push(`+${b[i]}`);
    for (let i = a.length - tail; i < endA; i++) out.push(` ${a[i]}`);
  }
  return out.length > 0 ? `${out.join("\n")}\n` : "";
}
