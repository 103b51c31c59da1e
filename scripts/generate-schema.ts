import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { servicesJsonSchema } from "../src/cli/services-json-schema.js";

/** The committed JSON Schema of the services file (editors read it through the example's $schema line). */
export const SCHEMA_FILE = fileURLToPath(new URL("../schema/services.schema.json", import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(SCHEMA_FILE, `${JSON.stringify(servicesJsonSchema(), null, 2)}\n`);
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
