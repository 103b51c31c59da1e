import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** Executable stand-ins for Python that print what a broken helper or wrapper would, in a temporary directory. */
export interface FakePythons {
  /** A "python" whose script prints `stdout` and exits with `exitCode`, whatever it is asked to run. */
  printing(name: string, stdout: string, exitCode?: number): Promise<string>;
  /** A "python" that writes its pid to `pidFile`, then waits as a Python starting Django would, until stopped. */
  waiting(name: string, pidFile: string): Promise<string>;
  remove(): Promise<void>;
}

export async function fakePythons(): Promise<FakePythons> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-fake-python-"));
  return {
    async printing(name, stdout, exitCode = 0) {
      const file = path.join(dir, name);
      const quoted = stdout.replaceAll("'", "'\\''");
      await writeFile(file, `#!/bin/sh\nprintf '%s' '${quoted}'\nexit ${exitCode}\n`);
      await chmod(file, 0o755);
      return file;
    },
    async waiting(name, pidFile) {
      const file = path.join(dir, name);
      await writeFile(file, `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 60\n`);
      await chmod(file, 0o755);
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
