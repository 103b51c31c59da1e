import { z } from "zod";

const EMAIL = /^[^@\s]+@[^@\s]+$/;

/** Why a written person is not a Slack user id, and how to find the id: the services file names people by id. */
function userIdProblem(written: string): string {
  if (EMAIL.test(written))
    return `"${written}" is an e-mail address, not a Slack user id: in Slack, open the person's profile, ⋮ → "Copy member ID" (U…)`;
  return `"${written}" is not a Slack user id (U… or W…): in Slack, open the person's profile, ⋮ → "Copy member ID"`;
}

function usergroupIdProblem(written: string): string {
  if (written.startsWith("@"))
    return `"${written}" is a user group's handle, not its id: the id (S…) is the last part of the group's address in Slack (People → User groups), or usergroups.list's "id"`;
  return `"${written}" is not a Slack user group id (S…): find it in the group's address in Slack (People → User groups), or usergroups.list's "id"`;
}

/** A Slack user id as Slack writes it (U… or, on Enterprise Grid, W…). */
export const slackUserId = z
  .string()
  .min(1)
  .superRefine((value, context) => {
    if (!/^[UW][A-Z0-9_]+$/.test(value)) context.addIssue({ code: "custom", message: userIdProblem(value) });
  });

/** A Slack user group id (S…), which `usergroups.users.list` takes. */
export const slackUsergroupId = z
  .string()
  .min(1)
  .superRefine((value, context) => {
    if (!/^S[A-Z0-9_]+$/.test(value))
      context.addIssue({ code: "custom", message: usergroupIdProblem(value) });
  });
