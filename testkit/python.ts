import { execFileSync } from "node:child_process";
import path from "node:path";

/** The Django versions phasegate is tested on: Debian's 3.2 (system), 4.2 LTS and 5.2 LTS (scripts/bootstrap-django.sh). */
export const DJANGO_VERSIONS = ["3.2", "4.2", "5.2"] as const;
export type DjangoVersion = (typeof DJANGO_VERSIONS)[number];

const repoRoot = path.resolve(import.meta.dirname, "..");

/** Where scripts/bootstrap-django.sh unpacks 4.2 and 5.2; PHASEGATE_DJANGO_CACHE points elsewhere (tests of the matrix). */
function djangoCache(): string {
  return process.env.PHASEGATE_DJANGO_CACHE || path.join(repoRoot, ".cache", "django");
}

function candidates(version: DjangoVersion): string[] {
  if (version !== "3.2") return [path.join(djangoCache(), version, "python")];
  return [process.env.PHASEGATE_PYTHON, "python3", "/usr/bin/python3", "python"].filter((c): c is string =>
    Boolean(c),
  );
}

function djangoVersionOf(python: string): string | null {
  try {
    return execFileSync(python, ["-c", "import django; print(django.get_version())"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return null;
  }
}

const found = new Map<DjangoVersion, string | null>();

/** The Python that runs this Django version, null when the machine has none. */
export function djangoPython(version: DjangoVersion): string | null {
  if (!found.has(version)) {
    const python = candidates(version).find((c) => djangoVersionOf(c)?.startsWith(`${version}.`)) ?? null;
    found.set(version, python);
  }
  return found.get(version) ?? null;
}

/** What to do when a Django version is missing. */
export function missing(version: DjangoVersion): string {
  return version === "3.2"
    ? "no Python that can import Django 3.2: run scripts/bootstrap.sh (installs python3-django) or set PHASEGATE_PYTHON"
    : `no Django ${version} in .cache/django/${version}: run scripts/bootstrap.sh (or scripts/bootstrap-django.sh)`;
}

/** The Python with Debian's Django 3.2 (on Debian, the system one; a pyenv shim may shadow it). */
export function findDjangoPython(): string {
  const python = djangoPython("3.2");
  if (!python) throw new Error(missing("3.2"));
  return python;
}
