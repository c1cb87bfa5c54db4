// Simulated roles of your own: a domain (a library's loans) whose agent is played by a policy written here,
// which reads the tools' answers and follows the domain's rule, instead of the simulator's replay of each
// task's expected actions; and a user persona of our own. The embedded simulated server plays both: the
// engine still times every token, spans and scoring are the same; only the words are ours.
//
//   node examples/custom-roles.mjs [output-dir]
import { lookup, makeToolDomain, param, runSettings, STOP, startRun, ToolError, tool } from 'tau2-trace';

const db = {
  books: {
    B1: { id: 'B1', title: 'Dune', due: '2026-12-10', renewals: 0 },
    B2: { id: 'B2', title: 'Emma', due: '2026-12-05', renewals: 2 },
  },
};

const addDays = (date, days) => new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);

const tools = [
  tool(
    'find_book',
    'Find a book on loan by its title.',
    { title: param.str('the exact title') },
    (d, args) => {
      const book = Object.values(d.books).find((b) => b.title === args.str('title'));
      if (!book) throw new ToolError(`no book titled ${args.str('title')} is on loan`);
      return book;
    },
  ),
  tool(
    'renew_loan',
    'Renew a loan by 14 days.',
    { book_id: param.str('the book id, e.g. B1') },
    (d, args) => {
      const book = lookup(d.books, args.str('book_id'), 'book');
      if (book.renewals >= 2) throw new ToolError('no renewals left');
      book.due = addDays(book.due, 14);
      book.renewals += 1;
      return book;
    },
  ),
];

// Each task says what a correct agent does; the reward checks the database it leaves behind.
const task = (id, title, expectedActions) => ({
  id,
  domain: 'library',
  userInstructions: `You want your loan of "${title}" renewed.`,
  expectedActions,
  nlAssertions: [],
  rewardBasis: ['DB'],
});

const library = makeToolDomain({
  name: 'library',
  policy:
    'Look a book up before you renew it. A loan is renewed at most twice; then tell the user its due date.',
  tasks: [
    task('renew_dune', 'Dune', [
      { name: 'find_book', arguments: { title: 'Dune' } },
      { name: 'renew_loan', arguments: { book_id: 'B1' } },
    ]),
    task('renew_emma', 'Emma', [{ name: 'find_book', arguments: { title: 'Emma' } }]),
  ],
  db,
  tools,
});

const answered = { agent: 0, user: 0 };

/** The agent: looks the book up, renews it if the rule allows, and says what it did. */
function librarian(req) {
  // Another domain's conversation: the simulator's own agent plays it.
  if (req.task?.domain !== 'library') return req.builtIn('agent');
  answered.agent += 1;
  const title = /"([^"]+)"/.exec(
    req.messages.find((m) => m.role === 'user' && m.text.includes('"'))?.text,
  )?.[1];
  if (!title) return { text: 'Which book would you like to renew?' };
  const called = (name) => req.messages.some((m) => m.toolCalls.some((c) => c.name === name));
  const last = req.messages.at(-1);
  const result = last?.role === 'tool' ? parsed(last.text) : undefined;
  if (!called('find_book')) return { toolCalls: [{ name: 'find_book', arguments: { title } }] };
  if (!result) return { text: `I could not find "${title}" among your loans.` };
  if (called('renew_loan')) return { text: `Done: "${title}" is now due on ${result.due}.` };
  if (result.renewals >= 2) {
    return { text: `"${title}" cannot be renewed again (two renewals at most); it is due on ${result.due}.` };
  }
  return {
    reasoning: 'Found it, and it may be renewed.',
    toolCalls: [{ name: 'renew_loan', arguments: { book_id: result.id } }],
  };
}

/** A tool's answer as JSON, or undefined for an error text. */
function parsed(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The user: asks in their own words, then thanks the agent and ends the conversation. */
function reader(req) {
  answered.user += 1;
  // The user simulator's own words are its `assistant` messages.
  const spoken = req.messages.some((m) => m.role === 'assistant');
  const title = /"([^"]+)"/.exec(req.task?.userInstructions ?? '')?.[1] ?? 'my book';
  return { text: spoken ? `Thanks, that is all. ${STOP}` : `Hello! Could you renew "${title}" for me?` };
}

const outputDir = process.argv[2] ?? 'runs';
const report = await startRun(
  runSettings({ domains: ['library'], timeScale: 0.1, outputDir, name: 'library' }),
  {
    domains: [library],
    simRoles: { agent: librarian, user: reader },
  },
);
for (const r of report.results)
  console.log(`${r.domain}/${r.task_id}: reward ${r.reward} (${r.termination_reason})`);
console.log(`custom roles answered: agent ${answered.agent}, user ${answered.user}`);
console.log(`run directory: ${report.runDir}`);
