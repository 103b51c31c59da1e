#!/usr/bin/env node
import { dispatch } from "./dispatch.js";

// A reader that stops early (`phasegate plan | head`, a closed terminal) wants no more output: the command ends as it
// would have, with its own exit code, instead of a stack trace for the write that failed. Any other write error (a
// full disk) is said, and fails the command.
let unwritten = false;
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") return;
  unwritten = true;
  process.exitCode = 1;
  process.stderr.write(
    `phasegate: cannot write its output (${error.message}); the command's result is lost\n`,
  );
});

const code = await dispatch(process.argv.slice(2));
process.exitCode = unwritten ? 1 : code;
