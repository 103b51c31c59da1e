import { subcommands } from "../locks/analyse.js";
import { IDENTIFIER, identifierName, splitStatements } from "../locks/sql.js";
import { mostSevere } from "./judgement.js";
import type { Verdict } from "./verdict.js";

/** What one SQL statement of a RunSQL means for old code; null when phasegate cannot tell. */
export interface StatementJudgement {
  statement: string;
  verdict: Verdict;
  text: string;
  /** It drops, renames or retypes what old code uses: no annotation outranks it (only an audited override). */
  breaking: boolean;
}

const ALTER_TABLE = new RegExp(
  String.raw`^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?(${IDENTIFIER})\s*\*?\s+(.*)$`,
  "is",
);

type Action = Omit<StatementJudgement, "statement">;

const ok = (verdict: Verdict, text: string): Action => ({ verdict, text, breaking: false });
const breaks = (verdict: Verdict, text: string): Action => ({ verdict, text, breaking: true });

/** One subcommand of ALTER TABLE on `table`. */
function alterAction(table: string, action: string): Action | null {
  const addColumn = action.match(/^ADD (?:COLUMN )?(?:IF NOT EXISTS )?(\S+)\s+(.*)$/is);
  if (addColumn && !/^(?:CONSTRAINT|CHECK|FOREIGN|UNIQUE|PRIMARY)\b/i.test(addColumn[1] ?? "")) {
    const column = `${table}.${identifierName(addColumn[1] ?? "")}`;
    const rest = addColumn[2] ?? "";
    const notNull = /\bNOT NULL\b/i.test(rest) || /\bPRIMARY KEY\b/i.test(rest);
    const filled = /\bDEFAULT\b(?!\s+NULL\b)/i.test(rest) || /\bGENERATED\b/i.test(rest);
    if (notNull && !filled) {
      return ok("unsafe", `adds NOT NULL column ${column} without a default: old code's INSERTs fail`);
    }
    return ok(
      "expand",
      `adds column ${column}, which old code's INSERTs leave ${filled ? "to its default" : "NULL"}`,
    );
  }
  if (/^ADD\b/i.test(action)) return ok("expand", `adds a constraint on ${table}`);
  if (/^VALIDATE CONSTRAINT\b/i.test(action)) return ok("expand", `validates a constraint of ${table}`);
  if (/^DROP CONSTRAINT\b/i.test(action)) return ok("contract", `drops a constraint of ${table}`);
  const dropColumn = action.match(/^DROP (?:COLUMN )?(?:IF EXISTS )?(\S+)/i);
  if (dropColumn) {
    return breaks(
      "contract",
      `drops column ${table}.${identifierName(dropColumn[1] ?? "")}, which old code uses`,
    );
  }
  if (/^RENAME (?:COLUMN )?(?!TO\b)\S+ TO\b/i.test(action)) {
    return breaks("unsafe", `renames a column of ${table}: old code uses the old name`);
  }
  if (/^RENAME TO\b/i.test(action))
    return breaks("unsafe", `renames table ${table}: old code uses the old name`);
  const column = action.match(/^ALTER (?:COLUMN )?(\S+)\s+(.*)$/is);
  if (!column) return null;
  const name = `${table}.${identifierName(column[1] ?? "")}`;
  const change = column[2] ?? "";
  if (/^(?:SET DATA )?TYPE\b/i.test(change)) {
    return breaks("unsafe", `changes the type of ${name}: old code reads and writes the old one`);
  }
  if (/^DROP NOT NULL\b/i.test(change)) return ok("expand", `drops NOT NULL on ${name}`);
  if (/^SET DEFAULT\b/i.test(change)) return ok("expand", `sets a default on ${name}`);
  if (/^SET NOT NULL\b/i.test(change))
    return ok("contract", `sets NOT NULL on ${name}: old code may write NULL`);
  if (/^DROP DEFAULT\b/i.test(change)) return ok("contract", `drops the default of ${name}`);
  return null;
}

function statementAction(statement: string): Action | null {
  const text = statement.replace(/;\s*$/, "");
  const alter = text.match(ALTER_TABLE);
  if (alter) {
    const table = identifierName(alter[1] ?? "");
    const actions = subcommands(alter[2] ?? "").map((a) => alterAction(table, a));
    const known = actions.filter((a): a is Action => a !== null);
    if (known.length < actions.length) return null;
    return {
      verdict: mostSevere(known.map((a) => a.verdict)),
      text: known.map((a) => a.text).join("; "),
      breaking: known.some((a) => a.breaking),
    };
  }
  if (/^CREATE (?:UNIQUE )?INDEX CONCURRENTLY\b/i.test(text)) {
    return ok("expand", "builds an index concurrently: reads and writes go on");
  }
  if (/^CREATE (?:UNIQUE )?INDEX\b/i.test(text)) return ok("expand", "builds an index");
  if (/^CREATE (?:TABLE|EXTENSION|SEQUENCE)\b/i.test(text))
    return ok("expand", "creates what old code does not use");
  if (/^DROP INDEX\b/i.test(text)) return ok("contract", "drops an index old code's queries may rely on");
  const dropTable = text.match(new RegExp(`^DROP TABLE (?:IF EXISTS )?(${IDENTIFIER})`, "i"));
  if (dropTable)
    return breaks("contract", `drops table ${identifierName(dropTable[1] ?? "")}, which old code uses`);
  if (/^COMMENT ON\b/i.test(text)) return ok("expand", "changes a comment; old code does not read comments");
  return null;
}

/** Each statement of the SQL with what it means; null for the statements phasegate cannot read. */
export function judgeStatements(sql: readonly string[]): (StatementJudgement | null)[] {
  return sql.flatMap(splitStatements).map((statement) => {
    const action = statementAction(statement);
    return action ? { statement, ...action } : null;
  });
}
