// A domain of your own: a database, tools over it, a policy and tasks, run like a built-in one. The embedded
// simulator plays the agent by replaying each task's expected actions, so the run exercises the real tools.
//
//   node examples/register-domain.mjs [output-dir]
import { lookup, makeToolDomain, param, runSettings, startRun, tool } from 'tau2-trace';

const db = {
  lamps: { L1: { id: 'L1', room: 'kitchen', on: false }, L2: { id: 'L2', room: 'hall', on: true } },
};

// Records are shared between trials and frozen: `lookup` hands a tool the trial's own copy, safe to change.
const tools = [
  tool('get_lamp', 'Look a lamp up by id.', { lamp_id: param.str('the lamp id, e.g. L1') }, (d, args) =>
    lookup(d.lamps, args.str('lamp_id'), 'lamp'),
  ),
  tool(
    'switch_lamp',
    'Turn a lamp on or off.',
    { lamp_id: param.str('the lamp id'), state: param.enum(['on', 'off'], 'the new state') },
    (d, args) => {
      const lamp = lookup(d.lamps, args.str('lamp_id'), 'lamp');
      lamp.on = args.str('state') === 'on';
      return lamp;
    },
  ),
];

const task = (id, lamp, state) => ({
  id,
  domain: 'lamps',
  userInstructions: `You want lamp ${lamp} switched ${state}.`,
  expectedActions: [
    { name: 'get_lamp', arguments: { lamp_id: lamp } },
    { name: 'switch_lamp', arguments: { lamp_id: lamp, state } },
  ],
  nlAssertions: [],
  rewardBasis: ['DB'],
});

const lamps = makeToolDomain({
  name: 'lamps',
  policy: 'You are a home assistant. Look a lamp up before you switch it.',
  tasks: [task('kitchen_on', 'L1', 'on'), task('hall_off', 'L2', 'off')],
  db,
  tools,
});

const outputDir = process.argv[2] ?? 'runs';
const report = await startRun(runSettings({ domains: ['lamps'], timeScale: 0.1, outputDir, name: 'lamps' }), {
  domains: [lamps],
});
for (const r of report.results)
  console.log(`${r.domain}/${r.task_id}: reward ${r.reward} (${r.termination_reason})`);
console.log(`run directory: ${report.runDir}`);
