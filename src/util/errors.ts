/**
 * The library's one error hierarchy. Every error tau2-trace raises on purpose is a {@link Tau2Error}: a `code`
 * says what kind of failure it is and `field` names the setting it is about, so a caller (the CLI, a program
 * using the library) can react without parsing messages. Messages name settings by their library option
 * name (`outputDir`, `resume`), never by a command-line flag: the CLI owns that mapping (src/cli/errors.ts).
 */

/** What kind of failure a {@link Tau2Error} is; the CLI maps each to an exit status. */
export type Tau2ErrorCode =
  /** Bad input: a setting, a config file, an endpoint. */
  | 'usage'
  /** Data that cannot be used: a task file, a database, a domain's files. */
  | 'data'
  /** An LLM call or attempt that failed (see `LlmError.type`). */
  | 'llm'
  /** A trace store (Tempo, Jaeger) that could not answer. */
  | 'trace_store'
  /** A spool or its progress file that cannot be replayed from as they are. */
  | 'replay';

/** A way out that the message suggests: setting `field` has `effect` (e.g. `force` "sends it whole"). */
export interface Tau2Remedy {
  field: string;
  effect: string;
}

/** Options of {@link Tau2Error}. */
export interface Tau2ErrorOptions {
  code: Tau2ErrorCode;
  /** The setting the error is about; the message then starts with it. */
  field?: string;
  /** A setting that would get past the error, said at the end of the message. */
  remedy?: Tau2Remedy;
  cause?: unknown;
}

/**
 * Writes a message from its parts: `field` first, then `detail`, then the remedy. `name` spells a setting:
 * the library spells it as it is (`outputDir`), the CLI as its flag (`--output-dir`).
 */
export function composeMessage(
  parts: { detail: string; field?: string | undefined; remedy?: Tau2Remedy | undefined },
  name: (field: string) => string = (field) => field,
): string {
  const head = parts.field === undefined ? '' : `${name(parts.field)} `;
  const tail = parts.remedy === undefined ? '' : ` ${name(parts.remedy.field)} ${parts.remedy.effect}`;
  return `${head}${parts.detail}${tail}`;
}

/** The root of the errors tau2-trace raises on purpose. */
export class Tau2Error extends Error {
  override readonly name: string = 'Tau2Error';
  readonly code: Tau2ErrorCode;
  readonly field: string | undefined;
  readonly remedy: Tau2Remedy | undefined;
  /** The message without the setting's name and remedy (what a front end that spells settings differently rebuilds from). */
  readonly detail: string;

  constructor(detail: string, options: Tau2ErrorOptions) {
    super(composeMessage({ detail, field: options.field, remedy: options.remedy }), { cause: options.cause });
    this.code = options.code;
    this.field = options.field;
    this.remedy = options.remedy;
    this.detail = detail;
  }
}

/** Options of the errors whose code is fixed by their class. */
export type Tau2ErrorDetails = Omit<Tau2ErrorOptions, 'code'>;

/**
 * Bad input from the user (a setting, a config file, an endpoint); the message names the culprit (setting, file,
 * key or URL). The CLI prints it on one line and exits with code 2.
 */
export class UsageError extends Tau2Error {
  override readonly name: string = 'UsageError';
  constructor(detail: string, options: Tau2ErrorDetails = {}) {
    super(detail, { ...options, code: 'usage' });
  }
}

/** Data that cannot be used (a missing file, bad JSON, a record of the wrong shape); names the culprit. */
export class DataError extends Tau2Error {
  override readonly name: string = 'DataError';
  constructor(detail: string, options: Tau2ErrorDetails = {}) {
    super(detail, { ...options, code: 'data' });
  }
}

/** A trace store (Tempo, Jaeger) that could not be read; the message starts with the URL it concerns. */
export class TraceStoreError extends Tau2Error {
  override readonly name: string = 'TraceStoreError';
  constructor(detail: string, options: Tau2ErrorDetails = {}) {
    super(detail, { ...options, code: 'trace_store' });
  }
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
