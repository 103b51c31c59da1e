import { z } from "zod";
import { issueLines } from "../../domain/issues/issue-lines.js";

const count = z.number().int().min(0);
const batchResultSchema = z.strictObject({ changed: count, remaining: count });

export type BatchResult = z.infer<typeof batchResultSchema>;

/** The batch's report: the last non-empty line of its output, `{"changed": N, "remaining": M}`; else why not. */
export function parseBatchResult(stdout: string): BatchResult | string {
  const line = stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .at(-1);
  const expected =
    'the backfill command must end its output with one line of JSON {"changed": N, "remaining": M}';
  if (!line) return `${expected}; it printed nothing`;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return `${expected}; its last line is not JSON: ${line.slice(0, 200)}`;
  }
  const parsed = batchResultSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = issueLines(parsed.error.issues, "line").join("; ");
  return `${expected}; it printed ${line.slice(0, 200)} (${problems})`;
}
