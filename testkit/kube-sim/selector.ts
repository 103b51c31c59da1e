import { badRequest } from "./status.js";

/** Equality-based label selectors ("app=web,tier=front"), the form the adapters send. */
export function matchesSelector(labels: Record<string, string>, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const match = /^\s*([\w./-]+)\s*==?\s*([\w.-]*)\s*$/.exec(term);
    if (!match)
      throw badRequest(`unable to parse requirement: ${term} (the simulator understands key=value)`);
    return labels[match[1] as string] === match[2];
  });
}

export const selectorOf = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
