import { createHash } from "node:crypto";

const maxLength = 63;
const hashLength = 10;

/**
 * A Job name from an execution key: readable, DNS-1123 label safe, at most 63 characters, with a hash of the whole
 * key as suffix so two keys never share a name once truncated. The same key always gives the same name, so a
 * retried step finds its Job instead of starting a second one.
 */
export function jobName(key: string): string {
  const hash = createHash("sha256").update(key).digest("hex").slice(0, hashLength);
  const slug = `phasegate-${key}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, maxLength - hashLength - 1)
    .replace(/-+$/, "");
  return `${slug}-${hash}`;
}
