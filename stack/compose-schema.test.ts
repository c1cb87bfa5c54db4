/**
 * docker-compose.yml against the Compose Specification JSON schema. The schema ships in the compose-go module
 * (schema/compose-spec.json), the loader `docker compose` itself uses; it is fetched through the Go module
 * proxy into the module cache at a pinned version, not committed. Needs `go` on PATH (and the network the
 * first time), which is why this test runs with the pipeline test (npm run test:stack).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { repoRoot } from '../test/helpers.js';

const COMPOSE_GO = 'github.com/compose-spec/compose-go/v2@v2.16.2';

/** Downloads (or finds in the module cache) compose-go and returns its schema's path. */
function composeSchemaPath(): string {
  const go = process.env.GO ?? 'go';
  const out = execFileSync(go, ['mod', 'download', '-json', COMPOSE_GO], {
    cwd: tmpdir(), // outside any Go module
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${COMPOSE_GO}: ${info.Error ?? out}`);
  return join(info.Dir, 'schema', 'compose-spec.json');
}

test('docker-compose.yml is valid against the Compose Specification schema', () => {
  const schema = JSON.parse(readFileSync(composeSchemaPath(), 'utf8')) as Record<string, unknown>;
  assert.match(String(schema.$schema), /2020-12/);
  // strict off: the schema carries annotations ajv's strict mode rejects (e.g. `deprecated` on properties)
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'));
  const ok = validate(compose);
  assert.ok(ok, ajv.errorsText(validate.errors, { separator: '\n' }));
});

test('the schema check catches a broken file', () => {
  const schema = JSON.parse(readFileSync(composeSchemaPath(), 'utf8')) as Record<string, unknown>;
  const validate = new Ajv2020({ strict: false }).compile(schema);
  assert.equal(validate({ services: { x: { image: 1 } } }), false);
  assert.equal(validate({ servces: {} }), false);
  assert.equal(validate({ services: { x: { image: 'a', healthchek: {} } } }), false);
});
