import { describe, expect, it } from "vitest";
import { ConfigApprovers, mayStart } from "../../src/app/access.js";
import { parseServices } from "../../src/config/load-services.js";
import type { UsergroupDirectory } from "../../src/ports/usergroup-directory.js";

const services = parseServices(
  `services:
  shop:
    project: { path: shop }
    deployer: { kind: command, command: ["true"] }
    rollout: { kind: command, command: ["true"] }
    slack: { channel: C1 }
    access:
      starters: [U_ALICE]
      approvers: { users: [U_BOB], usergroups: [S_DBA] }
  open:
    project: { path: open }
    deployer: { kind: command, command: ["true"] }
    rollout: { kind: command, command: ["true"] }
    slack: { channel: C2 }
    access:
      approvers: { users: [U_BOB] }
`,
  "services.yaml",
);

/** A fixed user group directory (the Slack app provides the real one from usergroups.users.list). */
class Groups implements UsergroupDirectory {
  async members(usergroup: string): Promise<string[]> {
    return usergroup === "S_DBA" ? ["U_DAN"] : [];
  }
}

describe("access from the services file", () => {
  it("approvers are the listed users and the members of the listed user groups", async () => {
    const approvers = new ConfigApprovers(services, new Groups());
    expect(await approvers.mayApprove({ service: "shop", user: "U_BOB" })).toBe(true);
    expect(await approvers.mayApprove({ service: "shop", user: "U_DAN" })).toBe(true);
    expect(await approvers.mayApprove({ service: "shop", user: "U_ALICE" })).toBe(false);
    expect(await approvers.mayApprove({ service: "open", user: "U_DAN" })).toBe(false);
    expect(await approvers.mayApprove({ service: "nope", user: "U_BOB" })).toBe(false);
  });

  it("without a user group directory, groups grant nothing", async () => {
    expect(await new ConfigApprovers(services).mayApprove({ service: "shop", user: "U_DAN" })).toBe(false);
  });

  it("starters: the listed users, or everyone when none are listed", () => {
    expect(mayStart(services, "shop", "U_ALICE")).toBe(true);
    expect(mayStart(services, "shop", "U_BOB")).toBe(false);
    expect(mayStart(services, "open", "U_ANYONE")).toBe(true);
    expect(mayStart(services, "nope", "U_ALICE")).toBe(false);
  });
});
