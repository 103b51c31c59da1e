/**
 * The launcher's program (CommonJS, run with `node -e`). It starts each command its parent sends over the IPC
 * channel, in a process group of its own, and relays the command's start, output and end. An output stream pauses
 * while 16 of its chunks are unsent, so a command that prints faster than its parent reads waits instead of piling
 * up here. When its parent dies (SIGHUP: the pdeathsig it was started with) or the channel closes, it SIGKILLs the
 * process group of every command still running, then exits: the process guard's work, done once for them all.
 */
export const LAUNCHER_PROGRAM = `"use strict";
const { spawn } = require("node:child_process");
const groups = new Set();
function end() {
  for (const group of groups) {
    try {
      process.kill(-group, "SIGKILL");
    } catch {}
  }
  process.exit(0);
}
process.on("SIGHUP", end);
process.on("disconnect", end);
const send = (message, sent) => {
  if (process.connected) process.send(message, undefined, {}, sent);
};
function relay(stream, id, t) {
  let unsent = 0;
  stream.on("data", (data) => {
    if (++unsent >= 16) stream.pause();
    send({ t, id, data }, () => {
      if (--unsent < 16) stream.resume();
    });
  });
}
process.on("message", ({ id, argv, cwd, env }) => {
  const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const group = child.pid;
  if (group !== undefined) groups.add(group);
  child.on("spawn", () => send({ t: "spawned", id, pid: group }));
  child.on("error", (error) => send({ t: "error", id, code: error.code, message: error.message }));
  relay(child.stdout, id, "stdout");
  relay(child.stderr, id, "stderr");
  child.on("close", (code, signal) => {
    groups.delete(group);
    send({ t: "close", id, code, signal });
  });
});
`;
