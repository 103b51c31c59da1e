import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { servicesJsonSchema } from "../src/config/services-json-schema.js";
import { renderReference } from "./schema-reference.js";

/** The committed JSON Schema of the services file (editors read it through the example's $schema line). */
export const SCHEMA_FILE = fileURLToPath(new URL("../schema/services.schema.json", import.meta.url));

/** The same reference as a page to read (docs/configuration.md). */
export const REFERENCE_FILE = fileURLToPath(new URL("../docs/configuration.md", import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const schema = servicesJsonSchema();
  await writeFile(SCHEMA_FILE, `${JSON.stringify(schema, null, 2)}\n`);
  await writeFile(REFERENCE_FILE, renderReference(schema));
  process.stdout.write(`wrote ${SCHEMA_FILE} and ${REFERENCE_FILE}\n`);
}
