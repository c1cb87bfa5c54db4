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
  | 'replay'
  /** The machine failed the library (a full disk under a run directory); what was done is kept. */
  | 'io';

/**
 * A piece of a message: text, or a reference to a setting, which each front end spells its own way (the
 * library as the option name, `outputDir`; the CLI as the flag, `--output-dir`).
 */
export type MessagePart = string | { setting: string };

/** A reference to the setting `name` inside a message. */
export function setting(name: string): MessagePart {
  return { setting: name };
}

/** Options of {@link Tau2Error}. */
export interface Tau2ErrorOptions {
  code: Tau2ErrorCode;
  /** The setting the error is about. With a plain-text message, the message starts with it. */
  field?: string | undefined;
  cause?: unknown;
}

/**
 * Writes a message from its parts; `name` spells a setting (by default as the library names it).
 */
export function composeMessage(
  parts: readonly MessagePart[],
  name: (setting: string) => string = (s) => s,
): string {
  return parts.map((p) => (typeof p === 'string' ? p : name(p.setting))).join('');
}

/** The root of the errors tau2-trace raises on purpose. */
export class Tau2Error extends Error {
  override readonly name: string = 'Tau2Error';
  readonly code: Tau2ErrorCode;
  readonly field: string | undefined;
  /** The message in parts, for a front end that spells settings differently (see {@link composeMessage}). */
  readonly parts: readonly MessagePart[];

  /**
   * @param detail - the message: plain text (which `field`, when given, is put in front of, as in
   *   `outputDir runs: is not a directory`), or parts that place settings anywhere.
   */
  constructor(detail: string | readonly MessagePart[], options: Tau2ErrorOptions) {
    const parts =
      typeof detail !== 'string'
        ? [...detail]
        : options.field === undefined
          ? [detail]
          : [setting(options.field), ` ${detail}`];
    super(composeMessage(parts), { cause: options.cause });
    this.code = options.code;
    this.field = options.field;
    this.parts = parts;
  }
}

/**
 * The message of any error in parts: a {@link Tau2Error}'s own (its settings still references), any other's
 * text. For wrapping an error in another without losing how its settings are spelled.
 */
export function messageParts(err: unknown): readonly MessagePart[] {
  if (err instanceof Tau2Error) return err.parts;
  return [err instanceof Error ? err.message : String(err)];
}

/** Options of the errors whose code is fixed by their class. */
export type Tau2ErrorDetails = Omit<Tau2ErrorOptions, 'code'>;

/**
 * Bad input from the user (a setting, a config file, an endpoint); the message names the culprit (setting, file,
 * key or URL). The CLI prints it on one line and exits with code 2.
 */
export class UsageError extends Tau2Error {
  override readonly name: string = 'UsageError';
  constructor(detail: string | readonly MessagePart[], options: Tau2ErrorDetails = {}) {
    super(detail, { ...options, code: 'usage' });
  }
}

/** Data that cannot be used (a missing file, bad JSON, a record of the wrong shape); names the culprit. */
export class DataError extends Tau2Error {
  override readonly name: string = 'DataError';
  constructor(detail: string | readonly MessagePart[], options: Tau2ErrorDetails = {}) {
    super(detail, { ...options, code: 'data' });
  }
}

/** A trace store (Tempo, Jaeger) that could not be read; the message starts with the URL it concerns. */
export class TraceStoreError extends Tau2Error {
  override readonly name: string = 'TraceStoreError';
  constructor(detail: string | readonly MessagePart[], options: Tau2ErrorDetails = {}) {
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
