import type { Introspection, PendingMigration } from "../src/domain/classify/migration.js";
import { dependsOn, field, migration, op } from "../testkit/migrations.js";

const EXPAND = [
  (name: string) => op("AddField", { field: name, fieldFacts: field({ column: name, null: true }) }),
  (name: string) =>
    op("AlterField", {
      field: name,
      previousFieldFacts: field({ column: name }),
      fieldFacts: field({ column: name, null: true }),
    }),
  (name: string) => op("AddIndex", { objectName: `${name}_idx` }),
  // A table of its own: the others change catalog_product, which the release must not create.
  (name: string) => op("CreateModel", { table: `catalog_${name}` }),
];
const CONTRACT = (name: string) =>
  op("RemoveField", { field: name, fieldFacts: field({ column: name, null: true }) });

/** `apps` apps of `perApp` chained migrations each: expand ones (mixed operation types), the last tenth contract. */
export function generateIntrospection(apps: number, perApp: number): Introspection {
  const pending: PendingMigration[] = [];
  for (let a = 0; a < apps; a++) {
    for (let m = 1; m <= perApp; m++) {
      const label = (n: number) => `app${a}.${String(n).padStart(4, "0")}_step`;
      const contract = m > perApp - Math.ceil(perApp / 10);
      const build = contract ? CONTRACT : (EXPAND[m % EXPAND.length] ?? CONTRACT);
      pending.push(
        migration(label(m), [build(`f${m}`)], { dependencies: m === 1 ? [] : dependsOn(label(m - 1)) }),
      );
    }
  }
  return { djangoVersion: "3.2.25", vendor: "postgresql", applied: [], appliedNotInRelease: [], pending };
}
