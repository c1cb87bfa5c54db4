/**
 * deploy/k8s/indexed-job.yaml against the Kubernetes JSON schemas with kubeconform in strict mode (a field
 * the API does not know is an error), both built by scripts/build-kubeconform at pinned versions
 * (KUBECONFORM_BIN and KUBERNETES_SCHEMAS, passed by scripts/test-deploy); and the manifest's shard settings
 * against what `run --shard auto` reads from a pod of the Indexed Job.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { shardFromEnv, shardRunId } from '../../src/harness/shard.js';
import { repoRoot, tempDir } from '../../test/helpers.js';

const run = promisify(execFile);
const MANIFEST = join(repoRoot, 'deploy/k8s/indexed-job.yaml');
const work = tempDir('tau2-k8s-');
after(() => work.cleanup());

function tools(): { bin: string; schemas: string } {
  const bin = process.env.KUBECONFORM_BIN;
  const schemas = process.env.KUBERNETES_SCHEMAS;
  assert.ok(bin && schemas, 'KUBECONFORM_BIN and KUBERNETES_SCHEMAS are not set: run scripts/test-deploy');
  return { bin, schemas };
}

/** kubeconform's exit code and output for `file`. */
async function kubeconform(file: string): Promise<{ code: number; out: string }> {
  const { bin, schemas } = tools();
  const args = [
    '-strict',
    '-summary',
    '-schema-location',
    `${schemas}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
    file,
  ];
  try {
    const { stdout, stderr } = await run(bin, args);
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

test('the manifest is valid against the Kubernetes schemas, every resource checked', async () => {
  const { code, out } = await kubeconform(MANIFEST);
  assert.equal(code, 0, out);
  assert.match(out, /7 resources found in 1 file - Valid: 7, Invalid: 0, Errors: 0, Skipped: 0/);
});

test('the check rejects a misspelt field and a wrong type', async () => {
  const text = readFileSync(MANIFEST, 'utf8');
  const typo = join(work.path, 'typo.yaml');
  writeFileSync(typo, text.replace('completionMode: Indexed', 'completionMode: Indexed\n  parallelizm: 4'));
  const t = await kubeconform(typo);
  assert.equal(t.code, 1, t.out);
  assert.match(t.out, /parallelizm/);
  const type = join(work.path, 'type.yaml');
  writeFileSync(type, text.replace('completions: 4', 'completions: four'));
  const y = await kubeconform(type);
  assert.equal(y.code, 1, y.out);
  assert.match(y.out, /completions/);
});

interface Doc {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: { completions?: number; parallelism?: number; completionMode?: string };
}

test("each pod of the Indexed Job gets its own shard and the run's id from --shard auto", () => {
  const docs = parseAllDocuments(readFileSync(MANIFEST, 'utf8')).map((d) => d.toJS() as Doc);
  const config = docs.find((d) => d.kind === 'ConfigMap')!.data!;
  const job = docs.find((d) => d.kind === 'Job' && d.spec?.completionMode === 'Indexed')!;
  const n = job.spec!.completions!;
  assert.equal(Number(config.TAU2_SHARD_COUNT), n, 'TAU2_SHARD_COUNT must equal completions');
  assert.equal(job.spec!.parallelism, n);
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    // What a pod's environment holds: the ConfigMap, and the index the Job controller sets.
    const env = { ...config, JOB_COMPLETION_INDEX: String(i) };
    const shard = shardFromEnv(env);
    assert.equal(shard.count, n);
    seen.add(shard.index);
    assert.equal(shardRunId(undefined, 'tau2', env, shard), config.TAU2_RUN_ID);
  }
  assert.equal(seen.size, n);
});
