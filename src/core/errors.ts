/**
 * User-facing errors. A `KcdlError` carries one line that names the problem and
 * the fix; the CLI prints it without a stack trace and exits with `exitCode`.
 */
export class KcdlError extends Error {
  /** Process exit code the CLI uses: 2 for bad input (usage), 1 otherwise. */
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "KcdlError";
    this.exitCode = exitCode;
  }
}

/** Bad input from the user (unknown name, wrong type, out of range): exit code 2. */
export class UsageError extends KcdlError {
  constructor(message: string) {
    super(message, 2);
    this.name = "UsageError";
  }
}

/** Throws a UsageError naming `what` and the valid choices when `value` is not one of them. */
export function assertChoice<T extends string>(what: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`unknown ${what} '${value}'; valid choices: ${choices.join(", ")}`);
  }
  return value as T;
}
