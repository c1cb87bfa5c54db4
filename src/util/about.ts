/**
 * What a run records about itself: the versions of tau2-trace and its main dependencies, and the machine it ran
 * on. In util/ because the harness (config.json), the exporters (stats_ext) and the CLI (--version) all use it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, hostname, totalmem } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

// Packages whose `exports` hide package.json: walk up from the resolved entry point instead.
function versionOf(pkg: string): string {
  try {
    let dir = dirname(require.resolve(pkg));
    while (dir !== dirname(dir)) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (json.name === pkg && json.version) return json.version;
      }
      dir = dirname(dir);
    }
  } catch {}
  return 'unknown';
}

/** Versions recorded in config.json and as `service.version`. */
export function versions(): { tau2_trace: string } & Record<string, string> {
  return {
    tau2_trace: (require('../../../package.json') as { version: string }).version,
    node: process.versions.node,
    openai: versionOf('openai'),
    opentelemetry_sdk: versionOf('@opentelemetry/sdk-trace'),
    opentelemetry_api: versionOf('@opentelemetry/api'),
  };
}

/** The machine a run ran on. */
export function hostInfo(): Record<string, string | number> {
  const cpu = cpus();
  return {
    hostname: hostname(),
    platform: `${process.platform}-${process.arch}`,
    cpus: cpu.length,
    cpu_model: cpu[0]?.model ?? 'unknown',
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}
