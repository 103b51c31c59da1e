import { accessSync, constants } from "node:fs";
import path from "node:path";
import { logger } from "../telemetry/pino-logger.js";

/**
 * The guard between phasegate and a command: a small Perl program (perl-base is essential in Debian, like
 * util-linux) that `setpriv --pdeathsig SIGHUP` starts, so the kernel sends it SIGHUP when phasegate dies, however
 * it dies (SIGKILL, OOM kill). On SIGHUP it SIGKILLs its whole process group: the command and everything it
 * started (`sh -c 'python manage.py migrate'`, a hook's children). Nothing of a step outlives its worker, and the
 * worker that takes the step over never runs alongside an orphan.
 *
 * SIGTERM (a timeout, a cancel) reaches the whole group from phasegate; the guard waits for the command and ends
 * the way the command ended (re-raising its signal), so phasegate sees what it would have seen without the guard.
 * SIGTERM and SIGHUP are blocked across the fork, so the child cannot lose one before it resets its handlers.
 * ARGV[0] is phasegate's pid: when the guard's parent is already another process, phasegate died before the
 * pdeathsig was armed, and the command must not start. A worker and a bot start their commands through their
 * launcher instead (process-launcher.ts), which does this work once for all of them.
 */
const GUARD_PL = `use POSIX ();
my ($parent, @command) = @ARGV;
exit 125 if getppid() != $parent;
my $signals = POSIX::SigSet->new(POSIX::SIGTERM(), POSIX::SIGHUP());
POSIX::sigprocmask(POSIX::SIG_BLOCK(), $signals);
$SIG{HUP} = sub { kill 'KILL', 0 };
$SIG{TERM} = sub {};
my $pid = fork();
die "phasegate: cannot fork: $!\n" unless defined $pid;
if ($pid == 0) {
  $SIG{HUP} = $SIG{TERM} = 'DEFAULT';
  POSIX::sigprocmask(POSIX::SIG_UNBLOCK(), $signals);
  exec { $command[0] } @command;
  my ($code, $why) = $! == POSIX::ENOENT() ? (127, 'no such file or directory (ENOENT)') : (126, "$!");
  print STDERR qq(phasegate: cannot run "$command[0]": $why\n);
  POSIX::_exit($code);
}
POSIX::sigprocmask(POSIX::SIG_UNBLOCK(), $signals);
1 while waitpid($pid, 0) == -1 && $! == POSIX::EINTR();
my $status = $?;
exit 126 if $status == -1;
if ($status & 127) {
  $SIG{TERM} = $SIG{HUP} = 'DEFAULT';
  kill $status & 127, $$;
}
exit($status >> 8);
`;

function onPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

let tools: { setpriv: string; perl: string } | null | undefined;

/** setpriv and perl, or null where either is missing (then said once in the log). */
export function guardTools(): { setpriv: string; perl: string } | null {
  if (tools === undefined) {
    tools = process.platform === "linux" ? findTools() : null;
    if (tools === null)
      logger.warn(
        { platform: process.platform },
        "setpriv (util-linux) or perl (perl-base) not found: a command phasegate starts keeps running if phasegate is killed",
      );
  }
  return tools;
}

function findTools(): { setpriv: string; perl: string } | null {
  const setpriv = onPath("setpriv");
  const perl = onPath("perl");
  return setpriv && perl ? { setpriv, perl } : null;
}

/**
 * The argv that runs `argv` under the guard, or `argv` itself where setpriv or perl is missing: then a command can
 * outlive a killed phasegate.
 */
export function guardedArgv(argv: string[]): string[] {
  const found = guardTools();
  if (found === null) return argv;
  return [
    found.setpriv,
    "--pdeathsig",
    "SIGHUP",
    "--",
    found.perl,
    "-e",
    GUARD_PL,
    "--",
    String(process.pid),
    ...argv,
  ];
}
