/** What the composer suggests: every /migrate command, with the story's own steps first. */
export function commandHints(services: string[], story: boolean): string[] {
  const storySteps = story
    ? ["/migrate plan shop v3", "/migrate start shop v2", "/migrate start shop v3"]
    : [];
  const perService = services.flatMap((s) => [
    `/migrate plan ${s} `,
    `/migrate start ${s} `,
    `/migrate list ${s}`,
  ]);
  const general = [
    "/migrate status",
    "/migrate list",
    "/migrate help",
    "/migrate audit ",
    "/migrate cancel ",
    "/migrate retry ",
  ];
  return [...new Set([...storySteps, ...perService, ...general])];
}

/** The hints that continue what was typed (all of them for a bare `/`). */
export function matchingHints(hints: string[], typed: string): string[] {
  const text = typed.trimStart();
  if (!text.startsWith("/")) return [];
  return hints.filter((hint) => hint.startsWith(text) && hint.trim() !== text.trim()).slice(0, 6);
}
