import { checkServicesFile } from "../config/check/check-services-file.js";
import type { ConfigError } from "../config/services-file-error.js";
import { formatCheck } from "./config-check.js";

/** A services file that does not load, told the way `config check` tells it: file:line:column, key path, fix. */
export async function describeConfigError(error: ConfigError): Promise<string> {
  const result = await checkServicesFile(error.file).catch(() => null);
  if (!result || result.ok) return `${error.message}\n`;
  return `the services file has problems (\`phasegate config check ${error.file}\` shows the same):\n${formatCheck(error.file, result)}`;
}
