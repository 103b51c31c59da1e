import type { ArgocdDeployerConfig } from "../config/gitops-schema.js";
import type { ApplicationSource } from "./application.js";

/** Where the release lives in an Application's source: a kustomize image's tag, or a Helm parameter. */
export type ValuePlace = Pick<ArgocdDeployerConfig, "kustomizeImage" | "helmParameter">;

interface KustomizeImage {
  name: string;
  /** `name=newName:tag` overrides keep their `newName`. */
  newName: string | null;
  tag: string | null;
}

/** Parses a kustomize images entry as Argo CD writes them: `name:tag`, `name=newName:tag`, `name=newName`. */
function parseImage(entry: string): KustomizeImage {
  const [left = "", right] = entry.split("=", 2);
  const image = right ?? left;
  const colon = image.lastIndexOf(":");
  const hasTag = colon > image.lastIndexOf("/");
  const reference = hasTag ? image.slice(0, colon) : image;
  const tag = hasTag ? image.slice(colon + 1) : null;
  if (right === undefined) return { name: reference, newName: null, tag };
  return { name: left, newName: reference, tag };
}

const formatImage = (image: KustomizeImage, tag: string) =>
  image.newName ? `${image.name}=${image.newName}:${tag}` : `${image.name}:${tag}`;

function kind(source: ApplicationSource, place: ValuePlace, application: string): "kustomize" | "helm" {
  if (place.kustomizeImage && !source.helm) return "kustomize";
  if (place.helmParameter && !source.kustomize) return "helm";
  const uses = source.kustomize ? "kustomize" : source.helm ? "Helm" : "a plain directory";
  throw new Error(
    `Application "${application}" uses ${uses}: set ${uses === "Helm" ? "helmParameter" : "kustomizeImage"} in the services file${uses === "a plain directory" ? ", or use the git mode" : ""}`,
  );
}

/** The release the source carries now, or null when it sets none. */
export function valueIn(source: ApplicationSource, place: ValuePlace, application: string): string | null {
  if (kind(source, place, application) === "kustomize") {
    const entry = (source.kustomize?.images ?? [])
      .map(parseImage)
      .find((i) => i.name === place.kustomizeImage);
    return entry?.tag ?? null;
  }
  return source.helm?.parameters?.find((p) => p.name === place.helmParameter)?.value ?? null;
}

/** The part of the source to merge-patch so that it carries `version` (every other image or parameter kept). */
export function sourcePatch(
  source: ApplicationSource,
  place: ValuePlace,
  application: string,
  version: string,
) {
  if (kind(source, place, application) === "kustomize") {
    const images = source.kustomize?.images ?? [];
    const at = images.findIndex((entry) => parseImage(entry).name === place.kustomizeImage);
    const next = [...images];
    if (at < 0) next.push(`${place.kustomizeImage}:${version}`);
    else next[at] = formatImage(parseImage(images[at] ?? ""), version);
    return { kustomize: { images: next } };
  }
  const parameters = [...(source.helm?.parameters ?? [])];
  const at = parameters.findIndex((p) => p.name === place.helmParameter);
  const parameter = { name: place.helmParameter ?? "", value: version };
  if (at < 0) parameters.push(parameter);
  else parameters[at] = { ...parameters[at], ...parameter };
  return { helm: { parameters } };
}
