/**
 * Typed errors, caught once at the top of the CLI. A UsageError means the
 * user's input is wrong (exit 2); it carries where (flag, file, line, field).
 */
export class UsageError extends Error {
  readonly code = 'E_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
