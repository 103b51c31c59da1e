import { z } from "zod";
import type { ArgocdDeployerConfig } from "../config/gitops-schema.js";
import type { Deployer, DeployOutcome, DeployRequest, LiveRelease } from "../ports/deployer.js";
import { type Application, applicationSchema, singleSource } from "./application.js";
import { type ArgoCdClient, ArgoCdError } from "./client.js";
import { sourcePatch, valueIn } from "./source-value.js";

const anyAnswer = z.unknown();

/**
 * Deploys through Argo CD: in parameter mode sets the release on the Application (its kustomize image tag or Helm
 * parameter); in Git mode `commit` (the Git deployer) commits it to the repository. Then a sync is requested when
 * the Application has no automated sync policy. A rollback sets the release live before the run (parameter mode)
 * or reverts the run's commit (Git mode). The Application is read first: an unknown one fails with nothing done.
 */
export class ArgoCdDeployer implements Deployer {
  constructor(
    private readonly client: ArgoCdClient,
    private readonly config: ArgocdDeployerConfig,
    private readonly commit?: Deployer,
  ) {}

  async deploy(request: DeployRequest, signal?: AbortSignal): Promise<DeployOutcome> {
    const app = await this.read(signal);
    const changed = this.commit
      ? (await this.commit.deploy(request, signal)).message
      : await this.setParameter(app, request.version, signal);
    const synced = await this.syncIfManual(app, signal);
    return { message: synced ? `${changed}; ${synced}` : changed };
  }

  async liveRelease(service: string, signal?: AbortSignal): Promise<LiveRelease | null> {
    if (this.commit) return (await this.commit.liveRelease?.(service, signal)) ?? null;
    const app = await this.read(signal);
    const version = valueIn(singleSource(app), this.config, app.metadata.name);
    return version ? { version } : null;
  }

  private read(signal?: AbortSignal): Promise<Application> {
    return this.client.request("GET", "", applicationSchema, undefined, signal);
  }

  private async setParameter(app: Application, version: string, signal?: AbortSignal): Promise<string> {
    const source = singleSource(app);
    const name = app.metadata.name;
    const what = this.config.kustomizeImage
      ? `kustomize image ${this.config.kustomizeImage}`
      : `Helm parameter ${this.config.helmParameter}`;
    if (valueIn(source, this.config, name) === version)
      return `Application ${name}'s ${what} is already ${version}`;
    const patch = {
      metadata: { resourceVersion: app.metadata.resourceVersion },
      spec: { source: sourcePatch(source, this.config, name, version) },
    };
    await this.client.request(
      "PATCH",
      "",
      anyAnswer,
      { name, patchType: "merge", patch: JSON.stringify(patch) },
      signal,
    );
    return `set Application ${name}'s ${what} to ${version}`;
  }

  /** Asks for a sync when Argo CD would not start one itself; one already running is fine. */
  private async syncIfManual(app: Application, signal?: AbortSignal): Promise<string | null> {
    if (app.spec.syncPolicy?.automated) return null;
    try {
      await this.client.request(
        "POST",
        "/sync",
        anyAnswer,
        { name: app.metadata.name, prune: false },
        signal,
      );
    } catch (error) {
      if (error instanceof ArgoCdError && /another operation is already in progress/i.test(error.message))
        return "a sync was already running";
      throw error;
    }
    return "sync requested (no automated sync policy)";
  }
}
