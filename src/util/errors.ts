/**
 * Bad input from the user (a flag, a config file, an endpoint): the CLI prints the message on one line and
 * exits with code 2. The message names the culprit (flag, file, key or URL).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
