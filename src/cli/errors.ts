/**
 * How the CLI shows the library's errors: the library names a setting by its option name (`outputDir`), the
 * user typed a flag (`--output-dir`); and each kind of error ends the process with its own exit status.
 */
import {
  composeMessage,
  type MessagePart,
  systemErrorCode,
  Tau2Error,
  type Tau2ErrorCode,
} from '../util/errors.js';

/** The flag that sets each library setting named in errors, where the flag is not the setting in kebab case. */
const FLAGS: Readonly<Record<string, string>> = {
  name: '--name',
  outputDir: '--output-dir',
  resume: '--resume',
  modelConfig: '--model-config',
  numTrials: '--num-trials',
  force: '--force',
  faults: '--fault-*',
};

/**
 * Exit status per error code: bad input of any kind is 2; a failed LLM call that escaped a trial, or a machine
 * that failed the run (a full disk), is 1.
 */
const EXIT_STATUS: Readonly<Record<Tau2ErrorCode, number>> = {
  usage: 2,
  data: 2,
  trace_store: 2,
  replay: 2,
  llm: 1,
  io: 1,
};

/** The flag of a library setting (`outputDir` → `--output-dir`). */
export function flagOf(field: string): string {
  return FLAGS[field] ?? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * An error's message as the CLI user should read it: settings spelled as the flags they typed, or as
 * `spelled` says for a command where a setting is an argument rather than a flag.
 */
export function cliMessage(err: Tau2Error, spelled: Readonly<Record<string, string>> = {}): string {
  return composeMessage(err.parts, (field) => spelled[field] ?? flagOf(field));
}

/** What the top-level catch prints and returns for an error. */
export interface ErrorReport {
  /** The line written to stderr, without its trailing newline. */
  text: string;
  exitCode: number;
}

/**
 * Turns any error into a line and an exit status: the library's errors and failures of the machine (a full
 * disk) get their message, anything else is a bug and gets its stack.
 */
export function reportError(err: unknown): ErrorReport {
  if (err instanceof Tau2Error)
    return { text: `tau2-trace: error: ${cliMessage(err)}`, exitCode: EXIT_STATUS[err.code] };
  if (systemErrorCode(err)) return { text: `tau2-trace: error: ${(err as Error).message}`, exitCode: 1 };
  return { text: `tau2-trace: unexpected error: ${(err as Error).stack ?? err}`, exitCode: 1 };
}

/** Prints warnings of the library (what a reader left out), settings spelled as flags, one line each. */
export function printWarnings(warnings: readonly (readonly MessagePart[])[]): void {
  for (const w of warnings) process.stderr.write(`${composeMessage(w, flagOf)}\n`);
}
