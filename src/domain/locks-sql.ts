/** Just enough SQL reading for lock analysis: statements, identifiers, comments. */

const IDENTIFIER_PART = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
/** A possibly schema-qualified, possibly quoted name: `"catalog_product"`, `public.catalog_product`. */
export const IDENTIFIER = String.raw`${IDENTIFIER_PART}(?:\s*\.\s*${IDENTIFIER_PART})?`;

/** `"public"."Catalog"` → `public.Catalog`; unquoted names fold to lower case like PostgreSQL does. */
export function identifierName(raw: string): string {
  return raw
    .split(/\s*\.\s*(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((part) => (part.startsWith('"') ? part.slice(1, -1).replaceAll('""', '"') : part.toLowerCase()))
    .join(".");
}

/** Splits SQL text on semicolons outside quotes and drops comments, so RunSQL text with several statements counts. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const char = sql[i] ?? "";
    if (quote) {
      current += char;
      if (char === quote) quote = null;
    } else if (char === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end;
      current += " ";
    } else if (char === ";") {
      statements.push(current);
      current = "";
    } else {
      if (char === "'" || char === '"') quote = char;
      current += char;
    }
  }
  statements.push(current);
  return statements.map((s) => s.replace(/\s+/g, " ").trim()).filter((s) => s.length > 0);
}
