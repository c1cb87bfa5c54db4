import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { demoDomain } from '../../src/domains/demo/index.js';
import { listBuiltinDomains, resolveDomains } from '../../src/domains/registry.js';
import type { SkippedTask } from '../../src/domains/tau2/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.resolve(repoRoot, '../shared/tau2');
const skip = existsSync(path.join(dataDir, 'domains')) ? false : `tau2 data not found at ${dataDir}`;

describe('resolveDomains', () => {
  it('has demo built in, without a data directory', () => {
    assert.deepEqual(listBuiltinDomains(), ['demo']);
    assert.deepEqual(resolveDomains(['demo']), [demoDomain]);
    assert.deepEqual(resolveDomains(['demo', 'demo'], { dataDir: undefined }), [demoDomain]);
  });

  it('explains an unknown name without a data directory', () => {
    assert.throws(() => resolveDomains(['foo']), {
      message: 'unknown domain "foo" (built in: demo; with --data-dir: none given)',
    });
    const empty = path.join(repoRoot, 'no-such-dir');
    assert.throws(() => resolveDomains(['foo'], { dataDir: empty }), {
      message: `unknown domain "foo" (built in: demo; with --data-dir: no domains/ directory in ${empty})`,
    });
  });

  it('loads tau2 domains from the data directory and reports skipped tasks', { skip }, () => {
    const reported: [string, SkippedTask[]][] = [];
    const domains = resolveDomains(['mock', 'demo'], { dataDir, onSkipped: (d, s) => reported.push([d, s]) });
    assert.deepEqual(
      domains.map((d) => d.name),
      ['mock', 'demo'],
    );
    assert.equal(reported.length, 1);
    assert.equal(reported[0]![0], 'mock');
    assert.ok(reported[0]![1].length > 0);
    assert.throws(
      () => resolveDomains(['foo'], { dataDir }),
      (err: Error) => {
        assert.match(
          err.message,
          /^unknown domain "foo" \(built in: demo; with --data-dir: .*\bmock\b.*\bretail\b/,
        );
        return true;
      },
    );
  });
});
