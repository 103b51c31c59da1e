import { toleratesOmission } from "./field-defaults.js";
import { columnLabel, type Judgement, judge, judgeUnsafe, mostSevere } from "./judgement.js";
import type { MigrationOperation } from "./migration.js";
import { removeFromStateRecipe } from "./refusal-recipes.js";

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The database side drops the column, or makes INSERTs without it work (DROP NOT NULL, SET DEFAULT). */
function databaseHandles(
  state: MigrationOperation,
  column: string,
  databaseOperations: readonly MigrationOperation[],
  databaseSql: readonly string[],
): boolean {
  if (
    databaseOperations.some(
      (d) => d.type === "RemoveField" && d.model === state.model && d.field === state.field,
    )
  ) {
    return true;
  }
  const name = `"?${escaped(column)}"?`;
  const handled = new RegExp(
    String.raw`\bDROP (?:COLUMN )?(?:IF EXISTS )?${name}(?:\s|;|,|$)|\bALTER (?:COLUMN )?${name} (?:DROP NOT NULL|SET DEFAULT)\b`,
    "i",
  );
  return databaseSql.some((statement) => handled.test(statement));
}

function judgeStateOperation(
  state: MigrationOperation,
  databaseOperations: readonly MigrationOperation[],
  databaseSql: readonly string[],
): Judgement {
  const facts = state.fieldFacts;
  if (state.type === "AddField") {
    return judge(
      "neutral",
      `Adds ${columnLabel(state)} to Django's state only: the column is expected to exist already.`,
    );
  }
  if (state.type !== "RemoveField" || !facts?.column || facts.manyToMany) {
    return judge("neutral", `${state.type} changes only Django's state.`);
  }
  if (toleratesOmission(facts) || databaseHandles(state, facts.column, databaseOperations, databaseSql)) {
    return judge(
      "neutral",
      `Removes ${columnLabel(state)} from Django's state only; INSERTs without it still work.`,
    );
  }
  return judgeUnsafe(
    `Removes ${columnLabel(state)} from Django's state only: the column stays NOT NULL without a database default, so once the new code runs, its INSERTs no longer name it and fail.`,
    removeFromStateRecipe(String(state.field)),
  );
}

/**
 * The state operations of SeparateDatabaseAndState (or RunSQL) judged with its database side: the column a
 * state-only RemoveField leaves behind must accept INSERTs that no longer name it.
 */
export function judgeStateOperations(
  stateOperations: readonly MigrationOperation[],
  databaseOperations: readonly MigrationOperation[],
  databaseSql: readonly string[],
): Judgement {
  const judged = stateOperations.map((s) => judgeStateOperation(s, databaseOperations, databaseSql));
  const worst = mostSevere(judged.map((j) => j.verdict));
  return (
    judged.find((j) => j.verdict === worst && worst !== "neutral") ??
    judge("neutral", "Its state operations change only Django's state.")
  );
}
