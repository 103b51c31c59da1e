import { execFileSync } from "node:child_process";

const candidates = [process.env.PHASEGATE_PYTHON, "python3", "/usr/bin/python3", "python"].filter(
  (c): c is string => Boolean(c),
);

/** The first Python on this machine that can import Django (on Debian, the system one; a pyenv shim may shadow it). */
export function findDjangoPython(): string {
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ["-c", "import django"], { stdio: "ignore" });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    "no Python that can import Django: run scripts/bootstrap.sh (installs python3-django) or set PHASEGATE_PYTHON",
  );
}
