/**
 * What the composer suggests: whole commands that run as they are (test/sandbox/page/hints.test.ts parses each with
 * the command parser), the story's own steps first. Commands that need a run id are left to the run's card.
 */
export function commandHints(services: string[], story: boolean): string[] {
  const storySteps = story
    ? ["/migrate plan shop v3", "/migrate start shop v2", "/migrate start shop v3"]
    : [];
  const perService = services.flatMap((s) => [`/migrate list ${s}`, `/migrate owed ${s}`]);
  const general = ["/migrate status", "/migrate list", "/migrate freezes", "/migrate help"];
  return [...new Set([...storySteps, ...perService, ...general])];
}

/** The hints that continue what was typed (all of them for a bare `/`). */
export function matchingHints(hints: string[], typed: string): string[] {
  const text = typed.trimStart();
  if (!text.startsWith("/")) return [];
  return hints.filter((hint) => hint.startsWith(text) && hint.trim() !== text.trim()).slice(0, 6);
}
