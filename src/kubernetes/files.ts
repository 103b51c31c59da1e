import { readFile } from "node:fs/promises";
import { KubernetesError } from "./kubernetes-error.js";

export async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new KubernetesError(
      "configuration",
      `cannot read the Kubernetes ${what} file ${file}: ${(error as Error).message}`,
    );
  }
}

/** Reads the token on every call, so a rotated service-account token is picked up. */
export const tokenFromFile = (file: string) => async () => (await readText(file, "token")).trim();
