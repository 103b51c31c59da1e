import { writeFile } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";
import { shopDir } from "./run-cli.js";

/**
 * A services file with one service, `shop` (examples/shop, deploy and rollout hooks that do nothing): enough for a
 * bot process that must start, not run migrations. Written into `dir`; its path is returned.
 */
export async function writeMinimalServices(
  dir: string,
  channel: string,
  access: { starters?: string[]; approvers: { users: string[] } },
): Promise<string> {
  const file = path.join(dir, "services.yaml");
  const shop = {
    project: { path: shopDir, python: ["python3"] },
    deployer: { kind: "command", command: ["true"] },
    rollout: { kind: "command", command: ["true"] },
    slack: { channel },
    access,
  };
  await writeFile(file, stringify({ services: { shop } }));
  return file;
}
