import { z } from "zod";
import { ALL_SERVICES } from "../domain/run/contract-hold.js";
import { analysisSchema } from "./analysis-schema.js";
import { approvalKeys, checkApprovalRules } from "./approvals-schema.js";
import { backfillSchema } from "./backfill-schema.js";
import { externalDeployerSchema } from "./external-schema.js";
import { argocdDeployerSchema, fluxDeployerSchema } from "./gitops-schema.js";
import { helmDeployerSchema } from "./helm-schema.js";
import { INTROSPECTION_DEFAULTS, introspectionConfigSchema } from "./introspection-schema.js";
import {
  kubernetesDeployerSchema,
  kubernetesExecutorSchema,
  kubernetesRolloutSchema,
} from "./kubernetes-schema.js";
import { LIVE_FACTS_DEFAULTS, liveFactsSchema } from "./live-facts-schema.js";
import { LOCK_GUARD_DEFAULTS, lockGuardSchema } from "./lock-guard-schema.js";
import { pipelineSchema } from "./pipeline-schema.js";
import { durationSeconds, pollingSchema } from "./polling-schema.js";
import { remindersSchema } from "./reminders-schema.js";
import { RETENTION_DEFAULTS, retentionSchema } from "./retention-schema.js";
import { slackUsergroupId, slackUserId } from "./slack-ids-schema.js";
import { windowsSchema } from "./windows-schema.js";

/** Where the Django project lives and how to run its Python. */
export const projectSchema = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .describe(
        "Directory holding manage.py, relative to the services file. With a local executor it is read where phasegate runs (`config check` checks that it exists); with a Kubernetes executor it is the path inside the release image. `{version}` in it names each release's own checkout, for pipelines that check out every release in a directory of its own: `/srv/releases/{version}` reads release v42 from `/srv/releases/v42` (a version that is no plain directory name, such as `..`, is refused)",
      ),
    python: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        "The Python command (argv) that can import Django, e.g. `[.venv/bin/python]` or `[poetry, run, python]`; detected when absent (the project's .venv, then python3 on the PATH). With a local executor a relative program starts from `path`, where Django runs, and `config check` checks that it is there; with a Kubernetes executor it runs in the release image as written",
      ),
    managePy: z.string().min(1).default("manage.py"),
    /** DJANGO_SETTINGS_MODULE; the project's own default when absent. */
    settings: z.string().min(1).optional(),
    env: z.record(z.string(), z.string()).default({}),
  })
  .describe("The service's Django project");

export const localExecutorSchema = z.strictObject({ kind: z.literal("local") });

/** A command template: argv, `{version}`, `{service}`, `{runId}` (and for a deploy `{attempt}` and `{previousVersion}`) replaced; no shell unless you put one in argv. */
const commandTemplate = z.array(z.string().min(1)).min(1);

export const commandDeployerSchema = z
  .strictObject({
    kind: z.literal("command"),
    command: commandTemplate,
    /** Directory the command runs in, relative to the services file. */
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string()).default({}),
    timeoutSeconds: durationSeconds.default(600),
    haltCommand: commandTemplate
      .optional()
      .describe(
        "Stops the rollout of `{version}` where your platform can (pause it, abort a canary), run when a run is cancelled while it waits for its rollout; argv like `command`, same `cwd`, `env` and time limit. Absent: a cancel leaves the rollout going, and the card says so",
      ),
  })
  .describe(
    "`command` is an argv (no shell) where `{version}`, `{service}`, `{runId}`, `{attempt}` and `{previousVersion}` are replaced. `{version}` is the release to deploy: the run's, or, when an approver rolls the run's deploy back, the release that was live before the run. `{previousVersion}` is the release live before this deploy: for a run's deploy, the release phasegate last deployed of the service when the run was created (a retried run keeps it); during a rollback, the run's own release (the one rolled back); the empty string when phasegate has deployed nothing of the service yet (the run's deploy can then only be rolled back by hand). `{attempt}` is 1 the first time the deploy runs for a run, 2 when its worker died during it and another worker runs it again, and so on (a retried run goes on counting; a rollback's deploys go on counting from its own first). The command must be idempotent.",
  );

export const commandRolloutSchema = z.strictObject({
  kind: z.literal("command"),
  command: commandTemplate,
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).default({}),
  /** Exit code meaning "not finished yet, ask again" (75 is EX_TEMPFAIL). 0 is done, anything else failed. */
  notYetExitCode: z.number().int().min(1).max(255).default(75),
  timeoutSeconds: durationSeconds.default(60),
  ...pollingSchema,
});

export const httpRolloutSchema = z.strictObject({
  kind: z.literal("http"),
  /** Every instance's version endpoint, or one endpoint that answers per instance. */
  urls: z.array(z.url()).min(1),
  /** Dotted path of the version in the JSON answer, or "body" for a plain-text answer. */
  versionField: z.string().min(1).default("version"),
  timeoutSeconds: durationSeconds.default(5),
  ...pollingSchema,
});

/** Slack user ids and user group ids (S…) whose members are in. */
const people = z.strictObject({
  users: z.array(slackUserId).default([]),
  usergroups: z.array(slackUsergroupId).default([]),
});

export const accessSchema = z
  .strictObject({
    /** Slack user ids allowed to start runs; empty means everyone in an allowed channel. */
    starters: z.array(slackUserId).default([]),
    approvers: people.refine((a) => a.users.length + a.usergroups.length > 0, {
      message: "name at least one approver (a user id or a user group id)",
    }),
    admins: people
      .default({ users: [], usergroups: [] })
      .describe(
        "Who may freeze and unfreeze the service (/migrate freeze); nobody when absent. Freezing all needs an admin of every service",
      ),
    /** The requester cannot approve their own run. */
    fourEyes: z.boolean().default(true),
    ...approvalKeys,
  })
  .superRefine(checkApprovalRules);

const channelId = z
  .string()
  .regex(
    /^[CGD][A-Z0-9_]+$/,
    "use the channel id (e.g. C0123456789, shown in the channel's details), not its name",
  );

export const slackSchema = z.strictObject({
  /** Channel id where the status card and the thread are posted. */
  channel: channelId,
  /** Channel ids where /migrate may be used for this service; the service channel when empty. */
  allowedChannels: z.array(channelId).default([]),
});

export const timeoutsSchema = z.strictObject({
  migrateSeconds: durationSeconds.default(3600),
  /** An approval gate left open longer fails the run (nothing destructive runs). */
  approvalSeconds: durationSeconds.default(4 * 3600),
});

export const executorSchema = z.discriminatedUnion("kind", [localExecutorSchema, kubernetesExecutorSchema]);
export const deployerSchema = z.discriminatedUnion("kind", [
  commandDeployerSchema,
  kubernetesDeployerSchema,
  helmDeployerSchema,
  argocdDeployerSchema,
  fluxDeployerSchema,
  externalDeployerSchema,
]);
export const rolloutSchema = z.discriminatedUnion("kind", [
  commandRolloutSchema,
  httpRolloutSchema,
  kubernetesRolloutSchema,
]);

export const serviceSchema = z
  .strictObject({
    project: projectSchema,
    executor: executorSchema.default({ kind: "local" }),
    deployer: deployerSchema,
    rollout: rolloutSchema,
    slack: slackSchema,
    access: accessSchema,
    timeouts: timeoutsSchema.default({ migrateSeconds: 3600, approvalSeconds: 4 * 3600 }),
    lockGuard: lockGuardSchema.default(LOCK_GUARD_DEFAULTS),
    introspection: introspectionConfigSchema.default(INTROSPECTION_DEFAULTS),
    liveFacts: liveFactsSchema.default(LIVE_FACTS_DEFAULTS),
    backfill: backfillSchema.optional(),
    analysis: analysisSchema.optional(),
    reminders: remindersSchema.optional(),
    windows: windowsSchema.optional(),
    pipeline: pipelineSchema.optional(),
  })
  .refine((s) => s.deployer.kind !== "external" || s.deployer.watch !== undefined || s.pipeline, {
    message:
      "an external deployer needs deployer.watch (the workload the pipeline deploys) or pipeline.tokens (so the pipeline can report the deploy): nothing could tell phasegate the release is out",
    path: ["deployer"],
  });

export const serviceName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "service names are lower-case letters, digits and dashes");

/** A service of the file: "all" is what `/migrate freeze all` names. */
const declaredServiceName = serviceName.refine((name) => name !== ALL_SERVICES, {
  message: '"all" names every service in /migrate freeze and unfreeze',
});

export const servicesFileSchema = z.strictObject({
  services: z.record(declaredServiceName, serviceSchema).refine((s) => Object.keys(s).length > 0, {
    message: "declare at least one service",
  }),
  retention: retentionSchema.default(RETENTION_DEFAULTS),
});

export type ServiceConfig = z.infer<typeof serviceSchema>;
export type ServicesFile = z.infer<typeof servicesFileSchema>;
export type CommandDeployerConfig = z.infer<typeof commandDeployerSchema>;
export type CommandRolloutConfig = z.infer<typeof commandRolloutSchema>;
export type HttpRolloutConfig = z.infer<typeof httpRolloutSchema>;
