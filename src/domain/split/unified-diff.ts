/** One file's change; null content means the file does not exist on that side. */
export interface FileChange {
  path: string;
  before: string | null;
  after: string | null;
}

type Edit = { kind: " " | "-" | "+"; line: string; a: number; b: number };

function lines(text: string | null): string[] {
  if (text === null || text === "") return [];
  return text.replace(/\n$/, "").split("\n");
}

/** The line edits from a to b along a longest common subsequence (the files are migrations: small). */
function edits(a: string[], b: string[]): Edit[] {
  const width = b.length + 1;
  const lcs = new Array<number>((a.length + 1) * width).fill(0);
  const at = (i: number, j: number) => lcs[i * width + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const out: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: " ", line: a[i] ?? "", a: i++, b: j++ });
    } else if (i < a.length && (j >= b.length || at(i + 1, j) >= at(i, j + 1))) {
      out.push({ kind: "-", line: a[i] ?? "", a: i++, b: j });
    } else {
      out.push({ kind: "+", line: b[j] ?? "", a: i, b: j++ });
    }
  }
  return out;
}

const CONTEXT = 3;

function range(start: number, count: number): string {
  return count === 0 ? `${start},0` : `${start + 1},${count}`;
}

/** Hunks: runs of changes with up to three lines of context around them, merged when their contexts touch. */
function hunks(script: Edit[]): string[] {
  const changed = script.map((e, index) => (e.kind === " " ? -1 : index)).filter((index) => index >= 0);
  const out: string[] = [];
  let k = 0;
  while (k < changed.length) {
    const first = changed[k] as number;
    let last = first;
    while (k + 1 < changed.length && (changed[k + 1] as number) - last <= 2 * CONTEXT + 1)
      last = changed[++k] as number;
    k++;
    const slice = script.slice(Math.max(0, first - CONTEXT), Math.min(script.length, last + CONTEXT + 1));
    const start = slice[0] as Edit;
    const countA = slice.filter((e) => e.kind !== "+").length;
    const countB = slice.filter((e) => e.kind !== "-").length;
    out.push(`@@ -${range(start.a, countA)} +${range(start.b, countB)} @@`);
    out.push(...slice.map((e) => `${e.kind}${e.line}`));
  }
  return out;
}

/** A unified diff of the changes (git apply and patch accept it), three lines of context. */
export function unifiedDiff(changes: FileChange[]): string {
  const out: string[] = [];
  for (const { path, before, after } of changes) {
    const body = hunks(edits(lines(before), lines(after)));
    if (body.length === 0) continue;
    out.push(
      before === null ? "--- /dev/null" : `--- a/${path}`,
      after === null ? "+++ /dev/null" : `+++ b/${path}`,
    );
    out.push(...body);
  }
  return out.length > 0 ? `${out.join("\n")}\n` : "";
}
