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
