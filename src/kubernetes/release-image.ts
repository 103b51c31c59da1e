import { KubernetesError } from "./errors.js";

/** The release's image reference: `{version}` and `{service}` of the template replaced. */
export function releaseImage(
  template: string,
  release: { service: string; version: string | undefined },
): string {
  if (!release.version) {
    throw new KubernetesError(
      "configuration",
      `the image template "${template}" needs the release version, and none was given for service ${release.service}`,
    );
  }
  return template.replaceAll("{version}", release.version).replaceAll("{service}", release.service);
}
