import { ACTION_NAMES, type ActionParam, actionSpec, FIELD_FORMS } from "../ports/action-table.js";
import { CONNECTION_USAGE } from "./run-connection.js";

/** `--run ID`, or `[--run ID]` when optional. */
function option(param: ActionParam): string {
  const form = FIELD_FORMS[param.field].cli;
  return param.optional ? `[${form}]` : form;
}

/** One action's line of `phasegate run --help`, from the action table. */
function actionLine(name: (typeof ACTION_NAMES)[number]): string {
  const spec = actionSpec(name);
  const forms = [spec.params, ...(spec.or ? [spec.or] : [])].map((params) =>
    [
      ...params.map(option),
      ...(spec.dryRun ? ["[--dry-run]"] : []),
      ...(spec.cliExtras ? [spec.cliExtras] : []),
    ].join(" "),
  );
  return `  ${name.padEnd(10)}${forms.join(" | ")}\n              ${spec.summary}`;
}

/** `phasegate run --help`: the same actions, arguments and summaries as `/migrate help`. */
export const RUN_USAGE = `Usage: phasegate run <action> [options]

${ACTION_NAMES.map(actionLine).join("\n")}

  --user U             who acts (default: $PHASEGATE_USER, else your login name)
  --json               print JSON
${CONNECTION_USAGE}

From CI, through the bot's pipeline API (no Redis, no services file):
  run start --api URL --token-file F --service S --version V [--wait [--until deploy-ready]] [--idempotency-key K]
  run status --api URL --token-file F --run ID [--wait]
  --wait prints each step's change on stderr until the run ends: exit 0 when it succeeded, 1 when it failed, was
  rejected or cancelled (2: the token was refused, 401/403, or the bot could not be reached). --until deploy-ready
  returns once a pipeline-mode run says the pipeline may deploy. A retried start keeps its Idempotency-Key.

A freeze works from a terminal while Slack is down (no channel is told then).
Exit status: 0 done, 1 refused or not found (the reason is printed), 2 usage or configuration error (an unknown
service, a project that cannot be introspected).
`;
