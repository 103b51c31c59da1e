/** Something the person starting the sandbox can fix (a service not running, a port taken): exit status 2. */
export class SandboxError extends Error {
  readonly exitCode = 2;

  constructor(message: string) {
    super(message);
    this.name = "SandboxError";
  }
}
