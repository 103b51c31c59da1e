import type { Verdict } from "./verdict.js";

/** What changing a column's type means on the database, from Django's column types before and after. */
export interface TypeChange {
  verdict: Verdict;
  text: string;
  /** The change keeps the table's storage on PostgreSQL (no rewrite): worth saying there. */
  noRewrite: boolean;
}

const VARCHAR = /^varchar\((\d+)\)$/i;
const NUMERIC = /^numeric\((\d+),\s*(\d+)\)$/i;
/** Integer types in the order each holds every value of the ones before it. */
const INTEGERS = ["smallint", "integer", "bigint"];

/** A change PostgreSQL makes without rewriting the table, and which every old value survives; null otherwise. */
function looserType(before: string, after: string): string | null {
  const [vb, va] = [before.match(VARCHAR), after.match(VARCHAR)];
  if (vb && va && Number(va[1]) > Number(vb[1])) return `widens ${before} to ${after}`;
  if (vb && /^text$/i.test(after)) return `turns ${before} into text`;
  const [nb, na] = [before.match(NUMERIC), after.match(NUMERIC)];
  if (nb && na && nb[2] === na[2] && Number(na[1]) > Number(nb[1])) {
    return `raises the precision of ${before} to ${after} at the same scale`;
  }
  if (nb && /^numeric$/i.test(after)) return `lifts the precision and scale limits of ${before} (numeric)`;
  return null;
}

function widerInteger(before: string, after: string): boolean {
  const [b, a] = [INTEGERS.indexOf(before.toLowerCase()), INTEGERS.indexOf(after.toLowerCase())];
  return b >= 0 && a > b;
}

export function typeChange(before: string, after: string, vendor: string): TypeChange {
  const looser = looserType(before, after);
  // A varchar widening holds on any database; the others are what PostgreSQL does (SQLite ignores the limits).
  if (looser && (vendor === "postgresql" || vendor === "sqlite" || VARCHAR.test(after))) {
    return { verdict: "expand", text: `${looser}; old code's values still fit`, noRewrite: true };
  }
  const rewrite =
    vendor === "postgresql"
      ? "PostgreSQL rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock that blocks reads and writes until it is done"
      : "the table is rewritten under an exclusive lock";
  if (widerInteger(before, after)) {
    return {
      verdict: "unsafe",
      text: `changes the column type from ${before} to ${after}: old code's values still fit, but ${rewrite}`,
      noRewrite: false,
    };
  }
  return {
    verdict: "unsafe",
    text: `changes the column type from ${before} to ${after}: ${rewrite}, and old code may write values the new type rejects`,
    noRewrite: false,
  };
}
