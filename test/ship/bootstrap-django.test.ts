import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachDjango } from "../../testkit/django-matrix.js";
import { repoRoot } from "../../testkit/run-cli.js";

/** Where each version's Debian package comes from: bookworm-backports (bpo12) and trixie-backports (bpo13). */
const BACKPORT: Record<string, string> = { "4.2": "bpo12", "5.2": "bpo13" };

describeEachDjango(
  "scripts/bootstrap-django.sh",
  (python, version) => {
    const cache = path.join(repoRoot, ".cache", "django", version);

    it("unpacked Debian's backport of Django under .cache/django, next to the system's psycopg2", () => {
      const packages = readFileSync(path.join(cache, "packages.txt"), "utf8");
      expect(packages).toMatch(
        new RegExp(`^python3-django 3:${version.replace(".", "\\.")}\\.\\d+-\\S*~${BACKPORT[version]}`, "m"),
      );
      const [django, psycopg2] = execFileSync(
        python,
        ["-c", "import django, psycopg2; print(django.__file__); print(psycopg2.__file__)"],
        { encoding: "utf8" },
      )
        .trim()
        .split("\n");
      expect(django?.startsWith(path.join(cache, "root", "usr", "lib", "python3", "dist-packages"))).toBe(
        true,
      );
      expect(psycopg2?.startsWith("/usr/lib/python3/dist-packages/")).toBe(true);
    });

    it("byte-compiled Django as Debian's own install does, so a Python that writes no bytecode loads it compiled", () => {
      const cached = execFileSync(
        python,
        ["-c", "import os, django.db.migrations.state as m; print(os.path.exists(m.__cached__))"],
        { encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } },
      );
      expect(cached.trim()).toBe("True");
    });

    it("a second run does nothing: it prints nothing and exits 0", () => {
      const output = execFileSync("bash", [path.join(repoRoot, "scripts", "bootstrap-django.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      expect(output).toBe("");
    });
  },
  ["4.2", "5.2"],
);
