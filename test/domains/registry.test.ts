import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { demoDomain } from '../../src/domains/demo/index.js';
import { listBuiltinDomains, listTau2Domains, resolveDomains } from '../../src/domains/registry.js';
import { FAITHFUL_DOMAINS } from '../../src/domains/tau2/index.js';
import { repoRoot, tau2DataDir } from '../helpers.js';

// The tau2-bench data beside the project (../shared/tau2) is a required fixture: missing, these tests fail.
const dataDir = tau2DataDir;

describe('resolveDomains', () => {
  it('has demo built in, without a data directory', () => {
    assert.deepEqual(listBuiltinDomains(), ['demo']);
    assert.deepEqual(resolveDomains(['demo']), [demoDomain]);
    assert.deepEqual(resolveDomains(['demo', 'demo'], { dataDir: undefined }), [demoDomain]);
  });

  it('explains an unknown name without a data directory', () => {
    assert.throws(() => resolveDomains(['foo']), {
      message: 'unknown domain "foo" (built in: demo; with dataDir: none given)',
    });
    const empty = path.join(repoRoot, 'no-such-dir');
    assert.throws(() => resolveDomains(['foo'], { dataDir: empty }), {
      message: `unknown domain "foo" (built in: demo; with dataDir: ${empty} does not exist)`,
    });
  });

  it('plays every tau2 domain of the data directory by its faithful port, every task of it', () => {
    assert.deepEqual(listTau2Domains(dataDir), ['airline', 'mock', 'retail', 'telecom']);
    const domains = resolveDomains([...FAITHFUL_DOMAINS, 'demo'], { dataDir });
    assert.deepEqual(
      domains.map((d) => d.name),
      [...FAITHFUL_DOMAINS, 'demo'],
    );
    const tasks: Record<string, number> = { mock: 10, retail: 114, airline: 50, telecom: 114 };
    for (const d of domains.slice(0, -1)) {
      assert.ok(d.tau2, `${d.name} is played by its faithful port`);
      assert.equal(d.tasks.length, tasks[d.name], `${d.name}: every task, none skipped`);
    }
    assert.throws(() => resolveDomains(['foo'], { dataDir }), {
      message: /^unknown domain "foo" \(built in: demo; with dataDir: airline, mock, retail, telecom\)$/,
    });
  });
});

describe('resolveDomains: bad tau2 data is named', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tau2-domains-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const writeDomain = (root: string, name: string, files: Record<string, string>) => {
    const dir = path.join(root, 'domains', name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
    return dir;
  };
  const good = {
    'db.json': '{"tasks": {}, "users": {}}',
    'user_db.json': '{"notifications": {}}',
    'tasks.json': '[]',
    'policy.md': '# p',
  };

  it('hints at data/tau2 when given a tau2-bench checkout', () => {
    const root = path.join(tmp, 'bench');
    writeDomain(path.join(root, 'data', 'tau2'), 'mock', good);
    assert.throws(() => resolveDomains(['mock'], { dataDir: root }), {
      message: `unknown domain "mock" (built in: demo; with dataDir: no domains/ directory in ${root}; did you mean dataDir ${path.join(root, 'data', 'tau2')}?)`,
    });
  });

  it('names a tau2 domain that has no port', () => {
    const root = path.join(tmp, 'unported');
    const dir = writeDomain(root, 'banking_knowledge', good);
    assert.throws(() => resolveDomains(['banking_knowledge'], { dataDir: root }), {
      message: `tau2 domain "banking_knowledge" at ${dir} has no port here (ported: ${FAITHFUL_DOMAINS.join(', ')})`,
    });
  });

  it('names a missing file, a file with invalid JSON and a database of the wrong shape', () => {
    const root = path.join(tmp, 'broken');
    const dir = writeDomain(root, 'mock', { ...good, 'tasks.json': '[{"id": ' });
    assert.throws(() => resolveDomains(['mock'], { dataDir: root }), {
      message: new RegExp(`${path.join(dir, 'tasks.json')}`),
    });
    rmSync(path.join(dir, 'policy.md'));
    assert.throws(() => resolveDomains(['mock'], { dataDir: root }), {
      message: new RegExp(`${path.join(dir, 'policy.md')}`),
    });
    const shape = writeDomain(path.join(tmp, 'shape'), 'mock', { ...good, 'db.json': '{"users": {}}' });
    assert.throws(() => resolveDomains(['mock'], { dataDir: path.join(tmp, 'shape') }), {
      message: new RegExp(`${path.join(shape, 'db.json')}`),
    });
  });
});
