import { existsSync } from "node:fs";

const DIRECTORY_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * `project.path` may hold `{version}` when a pipeline checks out each release in a directory of its own
 * (`/srv/releases/{version}`): the directory of that release. A version that is no plain directory name (`..`) is
 * refused rather than resolved.
 */
export function releaseProjectDir(projectDir: string, version: string): string {
  if (!projectDir.includes("{version}")) return projectDir;
  if (!DIRECTORY_NAME.test(version))
    throw new Error(
      `the version "${version}" cannot name the release's directory (${projectDir}): use letters, digits, '.', '_' and '-', not starting with '.'`,
    );
  return projectDir.replaceAll("{version}", version);
}

/** A version with no checkout of its own under a `{version}` project path. */
export class ReleaseNotFound extends Error {
  constructor(service: string, version: string, dir: string) {
    super(
      `no release ${version} of ${service} (looked in ${dir}): check the version, or check that release out there first`,
    );
    this.name = "ReleaseNotFound";
  }
}

/**
 * The release's directory on this machine (a local executor's): with `{version}` in the path, a version that was
 * never checked out is named as such, not left to Python to fail on a missing directory.
 */
export function localReleaseDir(service: string, projectDir: string, version: string): string {
  const dir = releaseProjectDir(projectDir, version);
  if (projectDir.includes("{version}") && !existsSync(dir)) throw new ReleaseNotFound(service, version, dir);
  return dir;
}
