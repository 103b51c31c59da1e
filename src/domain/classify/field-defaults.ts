import type { FieldFacts } from "./migration.js";

/** A database default that fills a row (db_default=None is a default of NULL: it fills nothing NOT NULL accepts). */
export function hasFillingDbDefault(facts: FieldFacts): boolean {
  return facts.hasDbDefault && !facts.dbDefaultIsNull;
}

/** INSERTs that do not name the column still work: it is nullable, has a database default, or is generated. */
export function toleratesOmission(facts: FieldFacts): boolean {
  return facts.null || hasFillingDbDefault(facts) || facts.generated !== null;
}
