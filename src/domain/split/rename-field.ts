import { MIGRATIONS_IMPORT, type Recipe } from "./operation-plan.js";
import { call, fieldSource, pyString } from "./python-source.js";

/** RenameField: rename only the Python attribute; db_column keeps the column, so no SQL runs. */
export const splitRenameField: Recipe = (operation) => {
  const definition = operation.fieldDefinition;
  const column = operation.previousFieldFacts?.column ?? operation.fieldFacts?.column;
  if (!definition || !column) return "the helper could not read the field's definition (deconstruct)";
  const model = String(operation.model);
  const oldName = String(operation.oldName);
  const newName = String(operation.newName);
  const kept = fieldSource(definition, { db_column: pyString(column) });
  const imports = [MIGRATIONS_IMPORT, ...definition.imports];
  return {
    now: [
      {
        phase: "expand",
        source: call("migrations.AlterField", [
          ["model_name", pyString(model)],
          ["name", pyString(oldName)],
          ["field", kept],
        ]),
        imports,
      },
      {
        phase: "expand",
        source: call("migrations.RenameField", [
          ["model_name", pyString(model)],
          ["old_name", pyString(oldName)],
          ["new_name", pyString(newName)],
        ]),
        imports: [MIGRATIONS_IMPORT],
      },
    ],
    later: [],
    modelEdits: [
      {
        model,
        release: 1,
        action: "rename",
        attribute: newName,
        from: oldName,
        definition: kept,
      },
    ],
    releases: [
      `Release 1 (no SQL): rename the attribute "${oldName}" to "${newName}" and keep the column with db_column="${column}".`,
    ],
    checklist: [],
  };
};
