/**
 * Sends a spool (`spans.otlp.jsonl`) to a collector: each line already is an OTLP/JSON
 * `ExportTraceServiceRequest`, so it is POSTed as it is to `/v1/traces`.
 *
 * Progress is kept beside the spool (`replay.json`, per endpoint): how many lines and bytes of the spool were
 * delivered, and a SHA-256 of those bytes. It is recorded after every line the collector takes, so an
 * interrupted replay (Ctrl-C, kill -9, a collector that gives out) sends at most the line that was in flight
 * a second time. Every replay starts after the recorded bytes, so lines that `run --resume` appended later
 * are sent too; a spool whose delivered part changed was replaced or truncated, and is refused.
 */
import { createHash, type Hash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SPOOL_FILE, writeJsonAtomic } from '../harness/rundir.js';
import { type BackoffOptions, parseRetryAfter } from '../util/backoff.js';
import { type MessagePart, setting, Tau2Error, type Tau2ErrorDetails } from '../util/errors.js';
import { retrying } from '../util/retry.js';

/** What the progress file records per endpoint: the part of the spool that was delivered there. */
export interface ReplayProgress {
  /** Lines accounted for from the first: delivered, blank, or skipped as not OTLP/JSON. */
  lines: number;
  /** Spans in the delivered lines. */
  spans: number;
  /** Bytes those lines take, newlines included: where the next replay starts reading. */
  bytes: number;
  /** SHA-256 (hex) of those bytes: tells a spool that grew from one that was replaced. */
  sha256: string;
  /** When this was recorded (ISO 8601). */
  at: string;
}

/** Defaults of {@link ReplaySpoolOptions}. */
export const REPLAY_DEFAULTS = {
  timeoutMs: 30_000,
  // Twice a collector restart of ~30 s, so a restart in the middle of a replay costs a pause, not a failure.
  retryForMs: 60_000,
  backoff: { baseMs: 500, maxMs: 5_000 } satisfies BackoffOptions,
};

/** Options of {@link replaySpool}. */
export interface ReplaySpoolOptions {
  /** Send the whole spool again, whatever the progress file says. */
  force?: boolean;
  /** Limit of one request, answer and body included, in milliseconds. */
  timeoutMs?: number;
  /** How long one line is retried, from its first attempt, before the replay gives up (0: never retried). */
  retryForMs?: number;
  backoff?: BackoffOptions;
  /** Stops the replay: the request in flight is abandoned, to be sent again by the next replay. */
  signal?: AbortSignal;
  /** Told of every failed attempt that will be retried, so that a wait is never silent. */
  onRetry?: (retry: ReplayRetry) => void;
}

/** A failed attempt that {@link replaySpool} will retry. */
export interface ReplayRetry {
  line: number;
  /** Attempts of this line so far (1 after the first failure). */
  attempt: number;
  reason: string;
  delayMs: number;
  /** How much longer this line will be retried. */
  leftMs: number;
}

/** Result of {@link replaySpool}. */
export interface ReplayResult {
  url: string;
  /** `failed`: a line was refused, or not taken within the retry budget; `cancelled`: by the signal. */
  outcome: 'delivered' | 'failed' | 'cancelled';
  /** Lines of the spool accounted for before this call (it started after them). */
  resumedAfter: number;
  /** Lines and spans this call delivered. */
  sentLines: number;
  sentSpans: number;
  /** Lines accounted for and spans delivered to this endpoint over all replays. */
  lines: number;
  totalSpans: number;
  /** Lines that are not OTLP/JSON, skipped. */
  badLines: number[];
  /** A last line without its newline yet (a run is writing it), left for the next replay. */
  unfinishedLine?: number;
  /** Spans the collector took a request for but rejected (OTLP partial success), and what it said. */
  rejectedSpans: number;
  rejectedMessage?: string;
  /** The line that was not delivered and why, unless `delivered`. */
  stoppedAt?: { line: number; reason: string };
}

/** The spool or the progress file cannot be replayed from as they are; nothing was sent. */
export class ReplayError extends Tau2Error {
  override readonly name: string = 'ReplayError';
  constructor(detail: string | readonly MessagePart[], options: Tau2ErrorDetails = {}) {
    super(detail, { ...options, code: 'replay' });
  }
}

/** The traces URL of an OTLP/HTTP base URL (`http://host:4318` → `…/v1/traces`). */
export function tracesUrl(base: string): string {
  return base.endsWith('/v1/traces') ? base : `${base.replace(/\/+$/, '')}/v1/traces`;
}

/** Where the progress of `spool` is kept: `replay.json` in a run directory, `<file>.replay.json` otherwise. */
export function progressFileOf(spool: string): string {
  // Two spools in one directory must not share (and then fail each other's hash check) one record.
  const name = basename(spool);
  return join(dirname(spool), name === SPOOL_FILE ? 'replay.json' : `${name}.replay.json`);
}

/**
 * The spool of `path`: the path itself, or the spool in it when it is a run directory. Refuses a path that
 * does not exist and a directory without a spool.
 */
export function locateSpool(path: string): string {
  if (!existsSync(path)) throw new ReplayError(`${path}: no such run directory or spool file`);
  const spool = statSync(path).isDirectory() ? join(path, SPOOL_FILE) : path;
  if (!existsSync(spool)) throw new ReplayError(`${path}: no ${SPOOL_FILE} in this directory`);
  return spool;
}

/** Replays `spool` to the collector at `baseUrl`, from the first line not yet delivered there. */
export async function replaySpool(
  spool: string,
  baseUrl: string,
  options: ReplaySpoolOptions = {},
): Promise<ReplayResult> {
  const url = tracesUrl(baseUrl);
  const store = openProgressStore(progressFileOf(spool), options.force === true);
  const fd = openSync(spool, 'r');
  try {
    const hash = createHash('sha256');
    const progress = options.force ? fresh() : resumePoint(fd, spool, url, store.all[url], hash);
    const replay: Replay = { url, options, store, hash, progress, result: startResult(url, progress) };
    try {
      for (const line of spoolLines(fd, progress.bytes)) if (!(await replayLine(replay, line))) break;
    } finally {
      // Also when a line failed, the signal came or something threw: what was delivered stays delivered.
      store.close();
    }
    replay.result.lines = progress.lines;
    replay.result.totalSpans = progress.spans;
    return replay.result;
  } finally {
    closeSync(fd);
  }
}

/** One replay in progress: where it sends, what was delivered (the progress and its hash), what it did. */
interface Replay {
  url: string;
  options: ReplaySpoolOptions;
  store: ProgressStore;
  hash: Hash;
  progress: ReplayProgress;
  result: ReplayResult;
}

function startResult(url: string, progress: ReplayProgress): ReplayResult {
  return {
    url,
    outcome: 'delivered',
    resumedAfter: progress.lines,
    sentLines: 0,
    sentSpans: 0,
    lines: progress.lines,
    totalSpans: progress.spans,
    badLines: [],
    rejectedSpans: 0,
  };
}

/**
 * Sends one line of the spool when it is an OTLP/JSON request, skips it when it is not, and records it as
 * accounted for; false when the replay stops at it (cancelled, undelivered, or still being written).
 */
async function replayLine(replay: Replay, line: SpoolLine): Promise<boolean> {
  const { result, options } = replay;
  const n = replay.progress.lines + 1;
  if (options.signal?.aborted) {
    result.outcome = 'cancelled';
    result.stoppedAt = { line: n, reason: 'cancelled' };
    return false;
  }
  const body = line.bytes.subarray(0, line.terminated ? -1 : undefined);
  const spans = spanCount(body);
  if (!line.terminated && spans === undefined) {
    result.unfinishedLine = n;
    return false;
  }
  if (spans === undefined && body.toString().trim() !== '') result.badLines.push(n);
  if (spans !== undefined && !(await sendLine(replay, body, n, spans))) return false;
  accountFor(replay, line, n);
  return true;
}

/** Delivers line `n` (`spans` spans) and counts it; false when it was not delivered. */
async function sendLine(replay: Replay, body: Buffer, n: number, spans: number): Promise<boolean> {
  const { result } = replay;
  const sent = await deliver(replay.url, body, n, replay.options);
  if (sent.outcome !== 'delivered') {
    result.outcome = sent.outcome;
    result.stoppedAt = { line: n, reason: sent.reason };
    return false;
  }
  result.rejectedSpans += sent.rejectedSpans;
  if (sent.rejectedMessage !== undefined) result.rejectedMessage ??= sent.rejectedMessage;
  result.sentLines++;
  result.sentSpans += spans;
  replay.progress.spans += spans;
  return true;
}

/** Line `n` is done with (delivered, blank or skipped): the progress moves past it and is recorded. */
function accountFor(replay: Replay, line: SpoolLine, n: number): void {
  const { progress, hash } = replay;
  hash.update(line.bytes);
  progress.lines = n;
  progress.bytes = line.end;
  progress.sha256 = hash.copy().digest('hex');
  progress.at = new Date().toISOString();
  replay.store.record(replay.url, progress);
}

function fresh(): ReplayProgress {
  return { lines: 0, spans: 0, bytes: 0, sha256: '', at: '' };
}

/** The progress file of a spool, per endpoint, kept current line by line. */
interface ProgressStore {
  /** What was delivered to each endpoint, as recorded so far. */
  readonly all: Record<string, Partial<ReplayProgress>>;
  /** Records `progress` at once: a kill -9 right after loses nothing. */
  record(url: string, progress: ReplayProgress): void;
  /** Writes the progress file with everything recorded. */
  close(): void;
}

/**
 * Rewriting the progress file after every line would cost a rename each time, which ext4 makes flush the
 * new file first: 1.2-1.6 ms per line measured, a third of a local replay of 3,500 lines. So lines are
 * recorded by appending to a journal beside it (a few µs each), and the journal is folded into the file and
 * removed when a replay starts (after a kill -9) and when it ends. A journal entry is a whole record, not a
 * difference, so folding one twice changes nothing.
 */
function openProgressStore(file: string, force: boolean): ProgressStore {
  const journal = file.replace(/\.json$/, '.journal');
  let all: Record<string, Partial<ReplayProgress>> = {};
  if (existsSync(file)) {
    try {
      all = JSON.parse(readFileSync(file, 'utf8')) as typeof all;
    } catch (err) {
      if (!force) {
        throw new ReplayError([
          `${file} is not readable JSON (${(err as Error).message}); `,
          setting('force'),
          ' starts afresh',
        ]);
      }
    }
  }
  if (existsSync(journal)) {
    for (const line of readFileSync(journal, 'utf8').split('\n')) {
      let entry: Partial<ReplayProgress> & { url?: unknown };
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // the last line torn by a power loss: the entry before it stands
      }
      const { url, ...progress } = entry ?? {};
      if (typeof url === 'string') all[url] = progress;
    }
    writeJsonAtomic(file, all);
    rmSync(journal);
  }
  let fd: number | undefined;
  return {
    all,
    record(url, progress) {
      all[url] = { ...progress };
      fd ??= openSync(journal, 'a');
      writeSync(fd, `${JSON.stringify({ url, ...progress })}\n`);
    },
    close() {
      if (fd === undefined) return;
      closeSync(fd);
      fd = undefined;
      writeJsonAtomic(file, all);
      rmSync(journal);
    },
  };
}

/**
 * Where to resume, after checking that the spool still starts with what was delivered; leaves `hash` fed
 * with those bytes. A record written before bytes and hashes were kept only says how many lines.
 */
function resumePoint(
  fd: number,
  spool: string,
  url: string,
  stored: Partial<ReplayProgress> | undefined,
  hash: Hash,
): ReplayProgress {
  const progress = fresh();
  if (stored === undefined) return progress;
  const lines = Number(stored.lines) || 0;
  progress.spans = Number(stored.spans) || 0;
  const refuse = (why: string) =>
    new ReplayError([
      `${spool} ${why} already replayed to ${url}: it was replaced or truncated since. `,
      setting('force'),
      ' sends it whole (the collector then gets those spans twice)',
    ]);
  if (stored.bytes === undefined || stored.sha256 === undefined) {
    for (const line of spoolLines(fd, 0)) {
      if (progress.lines === lines || !line.terminated) break;
      hash.update(line.bytes);
      progress.lines++;
      progress.bytes = line.end;
    }
    if (progress.lines < lines) throw refuse(`has ${progress.lines} lines, fewer than the ${lines}`);
    return progress;
  }
  const size = fstatSync(fd).size;
  if (size < stored.bytes) {
    throw refuse(`has ${size} bytes, fewer than the ${stored.bytes} (${lines} lines)`);
  }
  const chunk = Buffer.alloc(1 << 20);
  for (let at = 0; at < stored.bytes; ) {
    const got = readSync(fd, chunk, 0, Math.min(chunk.length, stored.bytes - at), at);
    hash.update(chunk.subarray(0, got));
    at += got;
  }
  if (hash.copy().digest('hex') !== stored.sha256) {
    throw refuse(`does not start with the ${lines} lines (${stored.bytes} bytes)`);
  }
  return { ...progress, lines, bytes: stored.bytes };
}

/** A line of the spool as it is on disk, newline included; `end` is the offset just after it. */
interface SpoolLine {
  bytes: Buffer;
  end: number;
  terminated: boolean;
}

// Not lines.ts's readLines: resuming needs byte offsets and the bytes as they are (to hash and to send), and
// a last line without its newline must be told apart, since a run may be writing it right now.
function* spoolLines(fd: number, start: number): Generator<SpoolLine> {
  const chunk = Buffer.alloc(1 << 20);
  let carry: Buffer[] = [];
  let at = start;
  for (;;) {
    const got = readSync(fd, chunk, 0, chunk.length, at);
    if (got === 0) break;
    let from = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1 && nl < got; nl = chunk.indexOf(0x0a, from)) {
      const piece = chunk.subarray(from, nl + 1);
      // A copy: the chunk is reused while the line may still be on its way to the collector.
      const bytes = carry.length === 0 ? Buffer.from(piece) : Buffer.concat([...carry, piece]);
      carry = [];
      yield { bytes, end: at + nl + 1, terminated: true };
      from = nl + 1;
    }
    if (from < got) carry.push(Buffer.from(chunk.subarray(from, got)));
    at += got;
  }
  if (carry.length > 0) yield { bytes: Buffer.concat(carry), end: at, terminated: false };
}

/** Spans in an OTLP/JSON request, or undefined when it is not one (a line torn by a crash, say). */
function spanCount(body: Buffer): number | undefined {
  let request: { resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[] };
  try {
    request = JSON.parse(body.toString());
  } catch {
    return undefined;
  }
  if (typeof request !== 'object' || request === null) return undefined;
  let n = 0;
  for (const rs of request.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) n += ss.spans?.length ?? 0;
  }
  return n;
}

type Delivery =
  | { outcome: 'delivered'; rejectedSpans: number; rejectedMessage: string | undefined }
  | { outcome: 'failed' | 'cancelled'; reason: string };

type Attempt = Delivery | { outcome: 'retry'; reason: string; retryAfterMs: number | undefined };

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/** POSTs one line, retrying as long as the budget lasts. */
async function deliver(url: string, body: Buffer, line: number, o: ReplaySpoolOptions): Promise<Delivery> {
  const timeoutMs = o.timeoutMs ?? REPLAY_DEFAULTS.timeoutMs;
  const r = await retrying<Delivery, string>(
    async (n) => {
      // A wait cut short by the signal: the line is left for the next replay.
      if (n > 1 && o.signal?.aborted) return { settled: { outcome: 'cancelled', reason: WAIT_CANCELLED } };
      const a = await post(url, body, timeoutMs, o.signal);
      return a.outcome === 'retry'
        ? { failed: a.reason, retryable: true, retryAfterMs: a.retryAfterMs }
        : { settled: a };
    },
    {
      policy: {
        backoff: o.backoff ?? REPLAY_DEFAULTS.backoff,
        budgetMs: o.retryForMs ?? REPLAY_DEFAULTS.retryForMs,
        budgetFrom: 'first_attempt',
        pastBudget: 'clip',
      },
      signal: o.signal,
      onRetry: (reason, { attempt, delayMs, leftMs }) =>
        o.onRetry?.({ line, attempt, reason, delayMs, leftMs }),
    },
  );
  if ('settled' in r) return r.settled;
  if (r.stop === 'aborted') return { outcome: 'cancelled', reason: WAIT_CANCELLED };
  const gaveUp = `gave up after ${r.attempts} attempt${r.attempts === 1 ? '' : 's'} in ${seconds(r.elapsedMs)}`;
  if (r.stop === 'retry_after') {
    const asked = `the collector asked to retry in ${seconds(r.retryAfterMs ?? 0)}, past the retry budget`;
    return { outcome: 'failed', reason: `${r.failed} (${asked}; ${gaveUp})` };
  }
  return { outcome: 'failed', reason: `${r.failed} (${gaveUp})` };
}

const WAIT_CANCELLED = 'cancelled while waiting to retry';

/** One POST; what it came to. */
async function post(url: string, body: Buffer, timeoutMs: number, signal?: AbortSignal): Promise<Attempt> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const text = await res.text();
    if (res.ok) return { outcome: 'delivered', ...partialSuccess(text) };
    const reason = `HTTP ${res.status}${text.trim() === '' ? '' : `: ${clip(text.trim())}`}`;
    if (res.status !== 429 && res.status < 500) return { outcome: 'failed', reason };
    const retryAfterMs =
      res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers, Date.now()) : undefined;
    return { outcome: 'retry', reason, retryAfterMs };
  } catch (err) {
    if (signal?.aborted) return { outcome: 'cancelled', reason: 'cancelled while in flight' };
    if (timeout.aborted)
      return { outcome: 'retry', reason: `no answer within ${seconds(timeoutMs)}`, retryAfterMs: undefined };
    return { outcome: 'retry', reason: connectionFailure(err), retryAfterMs: undefined };
  }
}

/** A collector's answer, cut to what fits in a message. */
function clip(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** fetch says "fetch failed"; the cause says what failed (connect ECONNREFUSED 127.0.0.1:4318, …). */
function connectionFailure(err: unknown): string {
  const cause = (err as { cause?: { message?: string; code?: string; errors?: { message?: string }[] } })
    .cause;
  const what = cause?.message || cause?.errors?.[0]?.message || cause?.code || (err as Error).message;
  return `connection failed: ${what}`;
}

/** OTLP partial success: the collector took the request but rejected some of its spans. */
function partialSuccess(text: string): { rejectedSpans: number; rejectedMessage: string | undefined } {
  if (!text.includes('partialSuccess')) return { rejectedSpans: 0, rejectedMessage: undefined };
  try {
    const p = (
      JSON.parse(text) as { partialSuccess?: { rejectedSpans?: number | string; errorMessage?: string } }
    ).partialSuccess;
    // proto3 JSON writes int64 as a string.
    const rejectedSpans = Number(p?.rejectedSpans ?? 0) || 0;
    return { rejectedSpans, rejectedMessage: p?.errorMessage || undefined };
  } catch {
    return { rejectedSpans: 0, rejectedMessage: undefined };
  }
}
