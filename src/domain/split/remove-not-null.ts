import { MIGRATIONS_IMPORT, type Recipe } from "./operation-plan.js";
import { call, fieldSource, pyString } from "./python-source.js";

/** RemoveField of a NOT NULL field: drop NOT NULL now (expand), remove the field in the next release (contract). */
export const splitRemoveNotNull: Recipe = (operation) => {
  const definition = operation.fieldDefinition;
  if (!definition) return "the helper could not read the field's definition (deconstruct)";
  const model = String(operation.model);
  const name = String(operation.field);
  const nullable = fieldSource(definition, { null: "True" });
  const target: [string, string][] = [
    ["model_name", pyString(model)],
    ["name", pyString(name)],
  ];
  const imports = [MIGRATIONS_IMPORT, ...definition.imports];
  return {
    now: [
      { phase: "expand", source: call("migrations.AlterField", [...target, ["field", nullable]]), imports },
    ],
    later: [
      {
        release: 2,
        phase: "contract",
        slug: `remove_${model}_${name}`,
        summary: `Removes ${operation.table}.${operation.fieldFacts?.column ?? name}, nullable since the release before.`,
        atomic: true,
        operations: [call("migrations.RemoveField", target)],
        functions: [],
        imports: [MIGRATIONS_IMPORT],
      },
    ],
    modelEdits: [
      { model, release: 1, action: "set", attribute: name, from: null, definition: nullable },
      { model, release: 2, action: "remove", attribute: name, from: null, definition: null },
    ],
    releases: [
      `Release 1 (expand): AlterField "${name}" to null=True (DROP NOT NULL); the new code stops using it.`,
      `Release 2 (contract): RemoveField "${name}".`,
    ],
    checklist: [
      `Release 1's code no longer reads or writes ${model}.${name} (search for it, including .values(), .only() and raw SQL).`,
    ],
  };
};
