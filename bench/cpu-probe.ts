/**
 * Preload (`node --import dist/bench/cpu-probe.js …`) that writes the process's own user and system CPU time
 * (`process.resourceUsage()`, µs, all threads) as JSON to `$TAU2_BENCH_CPU_FILE` when the process exits — a
 * portable stand-in for the shell's `time` (no bash, no /usr/bin/time, no stderr parsing).
 */
import { writeFileSync } from 'node:fs';

const file = process.env.TAU2_BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const { userCPUTime, systemCPUTime } = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ userUs: userCPUTime, systemUs: systemCPUTime }));
  });
}
