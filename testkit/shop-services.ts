import type { LoadedServices } from "../src/config/load-services.js";
import { serviceSchema } from "../src/config/services-schema.js";

/** A services file of one service, shop, run from `channel` and approved by U0BOB; its commands do nothing. */
export function shopServices(channel: string): LoadedServices {
  const shop = serviceSchema.parse({
    project: { path: "." },
    deployer: { kind: "command", command: ["true"] },
    rollout: { kind: "command", command: ["true"] },
    slack: { channel },
    access: { approvers: { users: ["U0BOB"] } },
  });
  return { file: "services.yaml", baseDir: ".", services: { shop } };
}
