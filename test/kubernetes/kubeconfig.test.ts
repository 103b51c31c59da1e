import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { kubeconfigConnection } from "../../src/kubernetes/kubeconfig.js";

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "kubeconfig-"));
});
afterEach(() => rm(scratch, { recursive: true, force: true }));

async function connect(text: string): Promise<{ file: string; connecting: Promise<unknown> }> {
  const file = path.join(scratch, "config");
  await writeFile(file, text);
  return { file, connecting: kubeconfigConnection(file, undefined, false) };
}

describe("a kubeconfig file phasegate cannot read", () => {
  it("an empty file, or one that is not a mapping, is said to be wrong as a whole, not with a bare colon", async () => {
    const empty = await connect("");
    await expect(empty.connecting).rejects.toThrow(
      `${empty.file} is not a kubeconfig: (top level): Invalid input: expected object, received null`,
    );
    const list = await connect("- name: sim\n");
    await expect(list.connecting).rejects.toThrow(
      `${list.file} is not a kubeconfig: (top level): Invalid input: expected object, received array`,
    );
  });

  it("a problem inside the file names its place", async () => {
    const noServer = await connect("clusters: [{name: sim, cluster: {}}]\n");
    await expect(noServer.connecting).rejects.toThrow(
      `${noServer.file} is not a kubeconfig: clusters.0.cluster.server: Invalid input: expected string, received undefined`,
    );
  });
});
