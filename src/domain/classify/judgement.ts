import type { FieldFacts, MigrationOperation } from "./migration.js";
import type { Verdict } from "./verdict.js";

/** What the rules conclude about one operation, before overrides. */
export interface Judgement {
  verdict: Verdict;
  reason: string;
  recipe: string[] | null;
  notes: string[];
  /** No migration-level override changes it: SQL that drops, renames or retypes what old code uses. */
  final?: boolean;
}

export interface RuleContext {
  vendor: string;
  /**
   * The operation's column as its migration leaves it, when the migration runs in one transaction (see
   * migration-end.ts): null when a later operation removes it, undefined when not known.
   */
  columnAtEnd?: FieldFacts | null;
}

export type Rule = (operation: MigrationOperation, context: RuleContext) => Judgement;

export function judge(verdict: Verdict, reason: string, notes: string[] = []): Judgement {
  return { verdict, reason, recipe: null, notes };
}

/** The verdict "unsafe": the plan is refused, and the recipe says how to split the change. */
export function judgeUnsafe(reason: string, recipe: string[], notes: string[] = []): Judgement {
  return { verdict: "unsafe", reason, recipe, notes };
}

const SEVERITY: Record<Verdict, number> = { neutral: 0, expand: 1, contract: 2, unsafe: 3 };

export function mostSevere(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((worst, v) => (SEVERITY[v] > SEVERITY[worst] ? v : worst), "neutral");
}

/** "catalog_product.is_active", or the field name when the table is unknown. */
export function columnLabel(operation: MigrationOperation): string {
  const column = operation.fieldFacts?.column ?? operation.previousFieldFacts?.column ?? operation.field;
  return operation.table ? `${operation.table}.${column}` : String(column);
}

/** Statements that do something: sqlmigrate output also carries `--` comments and the BEGIN/COMMIT around them. */
export function effectiveSql(sql: readonly string[]): string[] {
  return sql.filter((statement) => !/^\s*(--.*|BEGIN;?|COMMIT;?)?\s*$/i.test(statement));
}
