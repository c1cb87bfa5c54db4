/**
 * Writes the generated Grafana files (dashboards JSON, provisioning YAML) into the repository:
 *
 *   npm run dashboards            # write
 *   npm run dashboards -- --check # exit 1 if a committed file differs from what the generator builds
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './files.js';

// dist/src/grafana/write-dashboards.js → repository root
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  let stale = 0;
  for (const file of generatedFiles()) {
    const path = join(repoRoot, file.path);
    if (readOrEmpty(path) === file.content) continue;
    if (check) {
      stale++;
      process.stderr.write(`out of date: ${file.path}\n`);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
    process.stdout.write(`wrote ${file.path}\n`);
  }
  if (check && stale) process.stderr.write('run `npm run dashboards` to regenerate\n');
  return stale ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
