import type { PreviousRelease } from "../domain/run/run.js";
import type { Logger } from "../ports/logger.js";
import type { ReleaseHistory } from "../ports/release-history.js";
import type { AdapterFactory } from "../ports/service-adapters.js";

export interface PreviousReleaseDeps {
  adapters: AdapterFactory;
  releases: ReleaseHistory;
  logger: Logger;
}

/**
 * The release live before a run, read when the run is created (before anything is deployed): from where it runs
 * when the deployer can tell (Kubernetes: each Deployment's image), else what phasegate last deployed of the
 * service. Null when neither is known, or it cannot be read (logged): the run's deploy can then be rolled back by
 * hand only.
 */
export async function releaseBefore(
  deps: PreviousReleaseDeps,
  service: string,
): Promise<PreviousRelease | null> {
  try {
    const { deployer } = await deps.adapters(service);
    if (deployer.liveRelease) {
      const live = await deployer.liveRelease(service);
      return live ? { ...live, source: "deployments" } : null;
    }
    const version = await deps.releases.lastDeployed(service);
    return version ? { version, source: "last-deploy" } : null;
  } catch (error) {
    deps.logger.warn({ err: error, service }, "could not read the release live before the run");
    return null;
  }
}
