import { KubernetesError } from "./kubernetes-error.js";

/** Linux's MAX_ARG_STRLEN: execve refuses a longer argument or environment string (terminating NUL included). */
const maxArgumentBytes = 128 * 1024;
/** The whole Job must fit in one etcd write (1.5 MiB by default); keep the command well under it. */
const maxCommandBytes = 1024 * 1024;

const bytes = (text: string) => Buffer.byteLength(text, "utf8") + 1;

/**
 * A Job's command is passed to execve as is (no shell, nothing to quote), so a script given inline with
 * `python -c <source>` arrives verbatim; only its size is limited. Checked before the Job is created, because a
 * container whose exec fails leaves a pod with nothing but "argument list too long".
 */
export function checkCommandSize(argv: string[], env: Record<string, string>): void {
  const strings = argv.map((a, i) => ({ what: `argument ${i}`, size: bytes(a) }));
  strings.push(...Object.entries(env).map(([k, v]) => ({ what: `variable ${k}`, size: bytes(`${k}=${v}`) })));
  const tooLong = strings.find((s) => s.size > maxArgumentBytes);
  if (tooLong) {
    throw new KubernetesError(
      "invalid",
      `the command's ${tooLong.what} is ${tooLong.size} bytes, over Linux's ${maxArgumentBytes}-byte limit per argument: ` +
        "ship the script in the image (or mount it from a ConfigMap) and pass its path instead",
    );
  }
  const total = strings.reduce((sum, s) => sum + s.size, 0);
  if (total > maxCommandBytes) {
    throw new KubernetesError(
      "invalid",
      `the command and its environment are ${total} bytes, more than the ${maxCommandBytes} a Job can carry safely: ` +
        "ship the script in the image (or mount it from a ConfigMap) and pass its path instead",
    );
  }
}
