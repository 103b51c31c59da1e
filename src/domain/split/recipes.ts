import type { ClassifiedEntry } from "../classify/classify.js";
import { splitAddNotNull } from "./add-not-null.js";
import { splitChangeType } from "./change-type.js";
import type { Recipe } from "./operation-plan.js";
import { splitRemoveNotNull } from "./remove-not-null.js";
import { splitRenameField } from "./rename-field.js";
import { splitRenameTable } from "./rename-table.js";

/** The recipe phasegate can write for a refused operation, or why it cannot write one. */
export function recipeFor({ operation, result }: ClassifiedEntry): Recipe | string {
  if (result.path.includes(".")) {
    return "it is inside SeparateDatabaseAndState: phasegate does not rewrite hand-made database/state splits";
  }
  switch (operation.type) {
    case "AddField":
      return splitAddNotNull;
    case "RemoveField":
      return splitRemoveNotNull;
    case "RenameField":
      return splitRenameField;
    case "RenameModel":
    case "AlterModelTable":
      return splitRenameTable;
    case "RunSQL":
    case "RunPython":
      return 'phasegate cannot tell what its code does: annotate it with hints={"phase": ...} instead';
    case "AlterField":
      return splitChangeType;
    default:
      return `phasegate split has no recipe for ${operation.type}: follow what phasegate plan says to do`;
  }
}
