import { type Judgement, judge, judgeUnsafe, mostSevere } from "./judgement.js";
import type { MigrationOperation } from "./migration.js";
import { annotateCodeRecipe, breakingSqlRecipe } from "./refusal-recipes.js";
import { judgeStatements, type StatementJudgement } from "./sql-statements.js";
import { judgeStateOperations } from "./state-operations.js";

function quoted(judged: readonly StatementJudgement[]): string {
  return judged.map((j) => `\`${j.statement}\` ${j.text}`).join("; ");
}

/**
 * RunSQL judged from its SQL and its state operations; a phase annotation decides only what the SQL does not say,
 * and never outranks a statement that drops, renames or retypes what old code uses (only phasegate_override does).
 */
export function classifyRunSql(operation: MigrationOperation): Judgement {
  const notes = operation.reversible === false ? ["It has no reverse, so it cannot be rolled back."] : [];
  const hint = operation.phaseHint;
  const judged = judgeStatements(operation.sql ?? (operation.code ? [operation.code] : []));
  const known = judged.filter((j): j is StatementJudgement => j !== null);
  const breaking = known.filter((j) => j.breaking);
  if (breaking.length > 0) {
    if (hint && operation.sqlOverride) {
      return judge(
        hint,
        `Annotated hints={"phase": "${hint}"} with phasegate_override "${operation.sqlOverride}", although its SQL does what old code cannot survive: ${quoted(breaking)}.`,
        notes,
      );
    }
    const annotation = hint ? ` Its annotation hints={"phase": "${hint}"} does not outrank the SQL.` : "";
    return {
      ...judgeUnsafe(`Its SQL ${quoted(breaking)}.${annotation}`, breakingSqlRecipe(operation.type), notes),
      final: true,
    };
  }
  const state = judgeStateOperations(operation.stateOperations ?? [], [], operation.sql ?? []);
  if (state.verdict === "unsafe") return { ...state, notes };
  const readable = known.length === judged.length && judged.length > 0;
  if (!readable && !hint) {
    return judgeUnsafe(
      `phasegate cannot tell what ${operation.type} does to the data old code uses; its author must say in which phase it runs.`,
      annotateCodeRecipe(operation.type),
      notes,
    );
  }
  const sqlVerdict = readable ? mostSevere(known.map((j) => j.verdict)) : "neutral";
  const verdict = mostSevere([sqlVerdict, hint ?? "neutral"]);
  const sqlText = readable ? `Its SQL ${known.map((j) => j.text).join("; ")}.` : "";
  const annotated = hint ? `Annotated hints={"phase": "${hint}"} by its author.` : "";
  const stronger =
    hint && readable && sqlVerdict !== hint && verdict === sqlVerdict
      ? ` The SQL needs the ${sqlVerdict} phase, later than the annotation says.`
      : "";
  const reason = [annotated, sqlText].filter((t) => t).join(" ") + stronger;
  if (verdict === "unsafe") return judgeUnsafe(reason, breakingSqlRecipe(operation.type), notes);
  return judge(verdict, reason, notes);
}
