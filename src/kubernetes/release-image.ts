import { KubernetesError } from "./kubernetes-error.js";

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

/**
 * The release an image reference was made from by the template ("registry/shop:v41" → "v41"), or null when the
 * image was not made from it (set by hand, another registry).
 */
export function versionOfImage(template: string, service: string, image: string): string | null {
  const literal = (text: string) => text.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const [first = "", ...rest] = template.replaceAll("{service}", service).split("{version}");
  const pattern = `^${literal(first)}(.+)${rest.map(literal).join("\\1")}$`;
  return new RegExp(pattern).exec(image)?.[1] ?? null;
}
