import { call, list, pyString } from "./python-source.js";

/** Python source of the operations the recipes write. */

export function runSql(sql: string, reverse: string, phase: string): string {
  return call("migrations.RunSQL", [
    ["sql", pyString(sql)],
    ["reverse_sql", pyString(reverse)],
    ["hints", `{"phase": ${pyString(phase)}}`],
  ]);
}

export function fieldOperation(type: string, model: string, name: string, field?: string): string {
  return call(`migrations.${type}`, [
    ["model_name", pyString(model)],
    ["name", pyString(name)],
    ...(field === undefined ? [] : [["field", field] as [string, string]]),
  ]);
}

export function runPython(functionName: string, phase: string): string {
  return call("migrations.RunPython", [
    ["code", functionName],
    ["reverse_code", "migrations.RunPython.noop"],
    ["hints", `{"phase": ${pyString(phase)}}`],
  ]);
}

function constraintName(table: string, column: string): string {
  return `${table}_${column}_not_null`.slice(0, 63);
}

/** PostgreSQL: a CHECK (… IS NOT NULL) added NOT VALID, then validated (SHARE UPDATE EXCLUSIVE: writes go on). */
export function notNullCheck(table: string, column: string): string[] {
  const name = constraintName(table, column);
  return [
    runSql(
      `ALTER TABLE "${table}" ADD CONSTRAINT "${name}" CHECK ("${column}" IS NOT NULL) NOT VALID`,
      `ALTER TABLE "${table}" DROP CONSTRAINT "${name}"`,
      "expand",
    ),
    runSql(`ALTER TABLE "${table}" VALIDATE CONSTRAINT "${name}"`, "", "expand"),
  ];
}

/**
 * SET NOT NULL as Django's state sees `stateOperation`; on PostgreSQL as SQL that relies on the validated CHECK
 * (no scan under the ACCESS EXCLUSIVE lock), then drops the CHECK.
 */
export function setNotNull(table: string, column: string, stateOperation: string, postgres: boolean): string {
  if (!postgres) return stateOperation;
  const name = constraintName(table, column);
  return call("migrations.SeparateDatabaseAndState", [
    [
      "database_operations",
      list([
        runSql(
          `ALTER TABLE "${table}" ALTER COLUMN "${column}" SET NOT NULL`,
          `ALTER TABLE "${table}" ALTER COLUMN "${column}" DROP NOT NULL`,
          "contract",
        ),
        runSql(
          `ALTER TABLE "${table}" DROP CONSTRAINT "${name}"`,
          `ALTER TABLE "${table}" ADD CONSTRAINT "${name}" CHECK ("${column}" IS NOT NULL) NOT VALID`,
          "contract",
        ),
      ]),
    ],
    ["state_operations", list([stateOperation])],
  ]);
}
