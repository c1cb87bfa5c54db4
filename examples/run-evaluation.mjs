// Run an evaluation from code: the built-in demo domain on the embedded simulated server (no endpoint, no
// key), three tasks, ten times faster than real time. Prints the run directory and the mean reward.
//
//   node examples/run-evaluation.mjs [output-dir]
import { runSettings, startRun } from 'tau2-trace';

const outputDir = process.argv[2] ?? 'runs';
const report = await startRun(runSettings({ domains: ['demo'], numTasks: 3, timeScale: 0.1, outputDir }), {
  onTrialDone: (r) => console.log(`${r.domain}/${r.task_id} trial ${r.trial}: reward ${r.reward}`),
});
const rewards = report.results.map((r) => r.reward ?? 0);
console.log(`run directory: ${report.runDir}`);
console.log(`trials: ${report.results.length}/${report.planned}, failed: ${report.failed.length}`);
console.log(`mean reward: ${(rewards.reduce((a, b) => a + b, 0) / rewards.length).toFixed(2)}`);
