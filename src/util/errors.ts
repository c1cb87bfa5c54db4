/**
 * Bad input from the user (a flag, a config file, an endpoint): the CLI prints the message on one line and
 * exits with code 2. The message names the culprit (flag, file, key or URL).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The error code of a failure of the machine rather than of tau2-trace (a full disk, a path that is a
 * directory, a permission), found on `err` or its causes: such errors get a message, not a stack trace.
 */
export function systemErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  }
  return undefined;
}
