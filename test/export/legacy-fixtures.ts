/**
 * Seeded generator of legacy `tau2_<domain>.log` content (both logger generations plus bad input), used to
 * write the fixtures in test/fixtures/legacy/. The goldens come from the legacy analyzer's logic
 * (scripts/legacy_stats_reference.py, rewritten from the original's source) and are regenerated with
 * `bash test/fixtures/legacy/regenerate.sh` from the repo root (after `npx tsc`). Importing has no effect.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../../src/util/random.js';

const MODEL = '/workspace/ckpt/nvidia/Nemotron-Orchestrator-8B';

/** Line generator over one PRNG; each method returns one log line without its newline. */
export class LegacyLines {
  private readonly r: () => number;
  private ms = Date.UTC(2025, 11, 24, 4, 28, 25, 388);
  constructor(seed: number) {
    this.r = createRng(seed);
  }
  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  /** A long-tailed positive duration, printed with 2 decimals like the legacy logger. */
  private dur(scale: number): string {
    return (scale * Math.exp(this.r() * 3) * this.r()).toFixed(2);
  }
  private prefix(level: 'PROFILE' | 'USER_JUDGE'): string {
    this.ms += this.int(1, 900);
    const ts = new Date(this.ms).toISOString().replace('T', ' ').replace('Z', '');
    return `[${level}] ${ts} task=task_${this.int(0, 40)} thread=1246854003${this.int(10000, 99999)}`;
  }
  /** Seed-generation agent call with `toolorchestra_vllm_*` keys; `None` fields are sometimes omitted. */
  llmSeed(step: number): string {
    const pre = this.dur(60);
    const dec = this.dur(900);
    const parts = [
      `${this.prefix('PROFILE')} type=llm_call step=${step} model=${MODEL} call_type=vllm`,
      `duration_ms=${(Number(pre) + Number(dec) + 5).toFixed(2)}`,
      `toolorchestra_vllm_infer_ms=${(Number(pre) + Number(dec)).toFixed(2)}`,
    ];
    if (this.r() > 0.1) parts.push(`toolorchestra_vllm_prefill_ms=${pre}`);
    parts.push(`toolorchestra_vllm_decode_ms=${dec}`);
    if (this.r() > 0.05) parts.push(`toolorchestra_vllm_prefill_len=${this.int(300, 30000)}`);
    parts.push(
      `toolorchestra_vllm_decode_len=${this.int(1, 900)}`,
      `has_tool_calls=${this.r() > 0.5 ? 'True' : 'False'}`,
    );
    return parts.join(' ');
  }
  /** Later-generation agent call (`vllm_infer_ms=` …), which the legacy analyzer ignores. */
  llmLater(step: number): string {
    return (
      `${this.prefix('PROFILE')} type=llm_call step=${step} model=${MODEL} call_type=vllm duration_ms=${this.dur(500)} ` +
      `vllm_infer_ms=${this.dur(500)} prefill_ms=${this.dur(50)} decode_ms=${this.dur(400)} ` +
      `input_tokens=${this.int(300, 30000)} output_tokens=${this.int(1, 900)} has_tool_calls=False`
    );
  }
  /** An expert call; the later generation may add prefill/decode/token fields. */
  expert(step: number, later: boolean): string {
    const extra = later
      ? ` prefill_ms=${this.dur(300)} decode_ms=${this.dur(2000)} input_tokens=${this.int(100, 9000)}`
      : '';
    const model = ['gpt-5', 'gpt-5-mini', 'Qwen/Qwen3-32B'][this.int(0, 2)];
    return `${this.prefix('PROFILE')} type=expert_call step=${step} model=${model} call_type=openai duration_ms=${this.dur(3000)}${extra}`;
  }
  /** A tool call, sometimes with `error=True`. */
  tool(step: number): string {
    const fn = ['get_user_details', 'search_flights', 'book_reservation', 'call_expert'][this.int(0, 3)];
    const err = this.r() < 0.1 ? ' error=True' : '';
    return `${this.prefix('PROFILE')} type=tool_call step=${step} function=${fn} call_type=local_function duration_ms=${this.dur(3)}${err}`;
  }
  /** A step boundary: `total_duration_ms=`, never counted (no qualifying type). */
  step(step: number): string {
    return `${this.prefix('PROFILE')} type=step_complete step=${step} total_duration_ms=${this.dur(4000)} from_role=agent to_role=env`;
  }
  /** User simulator or judge call at the USER_JUDGE level. */
  userJudge(): string {
    const type = this.r() < 0.8 ? 'user_sim' : 'evaluator';
    return `${this.prefix('USER_JUDGE')} type=${type} model=gpt-4.1 call_type=openai duration_ms=${this.dur(1500)}`;
  }
  /** A plausible run log of `events` events mixing both generations. */
  run(events: number, laterShare: number): string {
    const out: string[] = [];
    for (let i = 0; i < events; i++) {
      const step = 1 + (i % 30);
      const k = this.r();
      if (k < 0.3) out.push(this.r() < laterShare ? this.llmLater(step) : this.llmSeed(step));
      else if (k < 0.6) out.push(this.tool(step));
      else if (k < 0.7) out.push(this.expert(step, this.r() < laterShare));
      else if (k < 0.85) out.push(this.step(step));
      else out.push(this.userJudge());
    }
    return `${out.join('\n')}\n`;
  }
}

const ANSI = (s: string): string => `\x1b[32m${s}\x1b[0m`;

/** Bad input: truncation, CRLF, ANSI, tracebacks, nan/inf/negatives, odd numbers, invalid UTF-8, no final newline. */
export function badInputLog(): Buffer {
  const g = new LegacyLines(7);
  const good = g.tool(1);
  const lines: (string | Buffer)[] = [
    g.llmSeed(1),
    good.slice(0, good.indexOf('duration_ms=') + 14), // truncated inside the value
    g.llmSeed(2).slice(0, 60), // truncated before any key: unusable
    `${g.tool(2)}\r`,
    `${g.expert(3, false)}\r`,
    ANSI(g.tool(3)),
    `${ANSI('[PROFILE]')} 2025-12-24 04:29:00.000 task=t type=tool_call duration_ms=${ANSI('12.50')}`,
    'Traceback (most recent call last):',
    '  File "/app/tau2/agent.py", line 88, in call_tool',
    '    raise ValueError("type=tool_call duration_ms=oops")',
    'ValueError: type=tool_call duration_ms=oops',
    '[PROFILE] 2025-12-24 04:29:01.000 task=t type=tool_call duration_ms=nan',
    '[PROFILE] 2025-12-24 04:29:01.100 task=t type=tool_call duration_ms=inf',
    '[PROFILE] 2025-12-24 04:29:01.200 task=t type=tool_call duration_ms=-3.25',
    '[PROFILE] 2025-12-24 04:29:01.300 task=t type=expert_call duration_ms=-0.00',
    '[PROFILE] 2025-12-24 04:29:01.400 task=t type=tool_call duration_ms=nan total_duration_ms=9.5',
    '[PROFILE] 2025-12-24 04:29:01.500 task=t type=tool_call total_duration_ms=7.00 duration_ms=3.00',
    '[PROFILE] 2025-12-24 04:29:01.600 task=t type=tool_call duration_ms=12. duration_ms=4.00',
    '[PROFILE] 2025-12-24 04:29:01.700 task=t type=tool_call duration_ms=1e5',
    '[PROFILE] 2025-12-24 04:29:01.800 task=t type=tool_call duration_ms=007.50',
    '[PROFILE] 2025-12-24 04:29:01.900 task=t type=tool_call duration_ms=123456789012345678901234567890.123456789',
    '[PROFILE] x type=llm_call vllm_infer_ms=5.00 toolorchestra_vllm_infer_ms=nan toolorchestra_vllm_decode_len=17',
    '[PROFILE] x type=llm_call toolorchestra_vllm_infer_ms=1.5\rtoolorchestra_vllm_prefill_ms=2.5',
    'toolorchestra_vllm_infer_ms=99.00 type=llm_call with no level prefix, still counted',
    Buffer.concat([
      Buffer.from('[PROFILE] \xff\xfe bad bytes type=tool_call duration_ms=1', 'latin1'),
      Buffer.from([0xc3, 0x28, 0x32]),
      Buffer.from(' \u00e9\u2603 duration_ms=2.00', 'utf8'),
    ]),
    '',
    '   ',
    g.userJudge(),
    g.step(4),
    g.llmLater(5),
    '[PROFILE] 2025-12-24 04:29:02.000 task=t type=tool_call duration_ms=0.01', // final line, no newline
  ];
  const bufs = lines.map((l) => (typeof l === 'string' ? Buffer.from(l, 'utf8') : l));
  return Buffer.concat(bufs.flatMap((b, i) => (i < bufs.length - 1 ? [b, Buffer.from('\n')] : [b])));
}

/** Edge cases: n=1, all-equal values, values on bin edges, `.125`/`.5` rounding ties, a huge all-equal value. */
export function edgeCasesLog(): string {
  const p = '[PROFILE] 2025-12-24 04:30:00.000 task=e thread=1';
  const out: string[] = [];
  for (let i = 0; i < 5; i++)
    out.push(`${p} type=tool_call function=f call_type=local_function duration_ms=42.00`);
  out.push(`${p} type=expert_call model=gpt-5 call_type=openai duration_ms=1234.57`);
  const onEdges = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 100, 0, 50];
  const ties = [0.125, 0.375, 0.625, 0.875, 1.125, 2.5, 0.125, 2.5, 1.875];
  onEdges.forEach((v, i) => {
    const dec = ties[i % ties.length]!;
    out.push(
      `${p} type=llm_call call_type=vllm toolorchestra_vllm_infer_ms=${v} toolorchestra_vllm_prefill_ms=${0.1 * (i + 1)} ` +
        `toolorchestra_vllm_decode_ms=${dec} toolorchestra_vllm_prefill_len=${i % 6} toolorchestra_vllm_decode_len=100000000000000000`,
    );
  });
  return `${out.join('\n')}\n`;
}

/**
 * Later-generation key cases for `--all-fields`: whole keys only (not inside `toolorchestra_vllm_prefill_ms=`,
 * `xprefill_ms=` or after a tab), a key at the line start, first match wins, `nan` skipped alone, seed lines
 * carrying later keys, expert calls with later fields, llm_call lines with no infer key at all.
 */
export function laterFieldsLog(): string {
  const p = '[PROFILE] 2025-12-24 04:31:00.000 task=l thread=2';
  const m = `model=${MODEL} call_type=vllm`;
  return [
    `${p} type=llm_call step=1 ${m} duration_ms=910.00 vllm_infer_ms=900.25 prefill_ms=100.50 decode_ms=799.75 input_tokens=1200 output_tokens=80 has_tool_calls=False`,
    `${p} type=llm_call step=2 ${m} duration_ms=55.00 vllm_infer_ms=50.00 toolorchestra_vllm_prefill_ms=7.00 prefill_ms=8.00 xdecode_ms=9.00 decode_ms=41.00`,
    `vllm_infer_ms=33.00 prefill_ms=3.00 type=llm_call output_tokens=7 input_tokens=300`,
    `${p} type=llm_call step=3 ${m} vllm_infer_ms=nan vllm_infer_ms=12.50 prefill_ms=-1.00 prefill_ms=2.50 decode_ms=10.00\tinput_tokens=5 output_tokens=nan`,
    `${p} type=llm_call step=4 ${m} vllm_infer_ms=nan prefill_ms=nan`,
    `${p} type=llm_call step=5 ${m} avllm_infer_ms=70.00 prefill_ms=6.00 decode_ms=64.00`,
    `${p} type=llm_call step=6 ${m} duration_ms=20.00 has_tool_calls=True`,
    `${p} type=llm_call step=7 ${m} toolorchestra_vllm_infer_ms=60.00 vllm_infer_ms=61.00 prefill_ms=5.00 toolorchestra_vllm_decode_len=30 output_tokens=31`,
    `${p} type=expert_call step=8 model=gpt-5 call_type=openai duration_ms=1500.00 prefill_ms=300.00 decode_ms=1100.00 input_tokens=900 output_tokens=40`,
    `${p} type=tool_call step=9 function=f call_type=local_function duration_ms=1.25`,
    `${p} type=llm_call step=10 ${m} vllm_infer_ms=400.00 prefill_ms=0.125 decode_ms=399.875 input_tokens=007 output_tokens=100000000000000000001`,
    '',
  ].join('\n');
}

/**
 * Many values, for numpy's chunked summation (8,192 values per chunk): 20,001 tool calls (above 16,384 and not
 * a multiple of 8,192), 8,193 expert calls, 16,385 vLLM calls (some without prefill_ms or prefill_len), values
 * spread over six orders of magnitude so that the order of additions shows in the last digit. Not committed
 * (3 MB): tests and the golden regeneration write it from this seeded generator.
 */
export function largeLog(): string {
  const r = createRng(8192);
  const v = (scale: number) => (scale * Math.exp(r() * 12) * r()).toFixed(2);
  const out: string[] = [];
  const counts = { tool: 20_001, expert: 8_193, llm: 16_385 };
  let tool = 0;
  let expert = 0;
  let llm = 0;
  while (tool < counts.tool || expert < counts.expert || llm < counts.llm) {
    const k = r();
    if (k < 0.45 && tool < counts.tool) {
      out.push(`[PROFILE] type=tool_call function=f call_type=local_function duration_ms=${v(0.01)}`);
      tool++;
    } else if (k < 0.6 && expert < counts.expert) {
      out.push(`[PROFILE] type=expert_call model=gpt-5 call_type=openai duration_ms=${v(1)}`);
      expert++;
    } else if (k >= 0.6 && llm < counts.llm) {
      const pre = llm % 97 === 5 ? '' : ` toolorchestra_vllm_prefill_ms=${v(0.1)}`;
      const len = llm % 89 === 7 ? '' : ` toolorchestra_vllm_prefill_len=${Math.floor(r() * 32768)}`;
      out.push(
        `[PROFILE] type=llm_call call_type=vllm toolorchestra_vllm_infer_ms=${v(1)}${pre} ` +
          `toolorchestra_vllm_decode_ms=${v(0.5)}${len} toolorchestra_vllm_decode_len=${Math.floor(r() * 2048)}`,
      );
      llm++;
    }
  }
  return `${out.join('\n')}\n`;
}

/** One tool call and nothing else: n = 1 (std 0.0, a 1e-9 wide range), six "no data" blocks. */
export function singleLog(): string {
  return '[PROFILE] 2025-12-24 04:32:00.000 task=s thread=3 type=tool_call function=f call_type=local_function duration_ms=857.25\n';
}

/** Writes every fixture log under `dir` (goldens are produced by the Python reference). */
export function writeFixtures(dir: string): void {
  mkdirSync(join(dir, 'run_basic'), { recursive: true });
  writeFileSync(join(dir, 'run_basic', 'tau2_airline.log'), new LegacyLines(1).run(400, 0));
  writeFileSync(join(dir, 'run_basic', 'tau2_retail.log'), new LegacyLines(2).run(300, 0.4));
  writeFileSync(join(dir, 'run_basic', 'notes.log'), new LegacyLines(3).run(20, 0));
  writeFileSync(join(dir, 'bad_input.log'), badInputLog());
  writeFileSync(join(dir, 'edge_cases.log'), edgeCasesLog());
  writeFileSync(join(dir, 'later_fields.log'), laterFieldsLog());
  writeFileSync(join(dir, 'empty.log'), '');
  writeFileSync(join(dir, 'single.log'), singleLog());
}

if (process.argv[1]?.endsWith('legacy-fixtures.js') && process.argv[2] === '--write-large') {
  mkdirSync(process.argv[3]!, { recursive: true });
  writeFileSync(join(process.argv[3]!, 'large.log'), largeLog());
}

if (process.argv[1]?.endsWith('legacy-fixtures.js') && process.argv[2] === '--write') {
  writeFixtures(process.argv[3] ?? 'test/fixtures/legacy');
}
