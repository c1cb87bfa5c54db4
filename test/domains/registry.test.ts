import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { demoDomain } from '../../src/domains/demo/index.js';
import { listBuiltinDomains, resolveDomains } from '../../src/domains/registry.js';
import type { SkippedTask } from '../../src/domains/tau2/index.js';
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
      message: 'unknown domain "foo" (built in: demo; with --data-dir: none given)',
    });
    const empty = path.join(repoRoot, 'no-such-dir');
    assert.throws(() => resolveDomains(['foo'], { dataDir: empty }), {
      message: `unknown domain "foo" (built in: demo; with --data-dir: no domains/ directory in ${empty})`,
    });
  });

  it('loads tau2 domains from the data directory, each played by its faithful port', () => {
    // All four of tau2's domains are ported; the older loader (tested in tau2.test.ts) is only the fallback for
    // a domain directory without a port.
    const reported: [string, SkippedTask[]][] = [];
    const domains = resolveDomains(['mock', 'retail', 'airline', 'telecom', 'demo'], {
      dataDir,
      onSkipped: (d, s) => reported.push([d, s]),
    });
    assert.deepEqual(
      domains.map((d) => d.name),
      ['mock', 'retail', 'airline', 'telecom', 'demo'],
    );
    for (const d of domains.slice(0, 4)) assert.ok(d.tau2, `${d.name} is played by its faithful port`);
    assert.equal(domains[0]!.tasks.length, 10, 'every mock task, none skipped');
    assert.equal(domains[2]!.tasks.length, 50, 'every airline task, none skipped');
    assert.deepEqual(reported, []);
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
