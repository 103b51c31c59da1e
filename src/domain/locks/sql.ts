/** Just enough SQL reading for lock analysis: statements, identifiers, comments. */

export const IDENTIFIER_PART = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
/** A possibly schema-qualified, possibly quoted name: `"catalog_product"`, `public.catalog_product`. */
export const IDENTIFIER = String.raw`${IDENTIFIER_PART}(?:\s*\.\s*${IDENTIFIER_PART})?`;

/** `"public"."Catalog"` → `public.Catalog`; unquoted names fold to lower case like PostgreSQL does. */
export function identifierName(raw: string): string {
  return raw
    .split(/\s*\.\s*(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((part) => (part.startsWith('"') ? part.slice(1, -1).replaceAll('""', '"') : part.toLowerCase()))
    .join(".");
}

/** Where a statement ends, a quoted text starts, or a comment starts: everything else is copied in slices. */
const SPECIAL = /['";]|--/g;

/** Splits SQL text on semicolons outside quotes and drops comments, so RunSQL text with several statements counts. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  const special = new RegExp(SPECIAL);
  let current = "";
  let from = 0;
  for (let match = special.exec(sql); match; match = special.exec(sql)) {
    const token = match[0];
    if (token === ";") {
      statements.push(current + sql.slice(from, match.index));
      current = "";
      from = match.index + 1;
    } else if (token === "--") {
      current += `${sql.slice(from, match.index)} `;
      const end = sql.indexOf("\n", match.index);
      from = end === -1 ? sql.length : end + 1;
      special.lastIndex = from;
    } else {
      const close = sql.indexOf(token, match.index + 1);
      special.lastIndex = close === -1 ? sql.length : close + 1;
    }
  }
  statements.push(current + sql.slice(from));
  return statements.map((s) => s.replace(/\s+/g, " ").trim()).filter((s) => s.length > 0);
}
