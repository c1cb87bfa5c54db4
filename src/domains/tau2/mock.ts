/** Tools of tau2-bench's `mock` domain: users with to-do tasks. */
import { lookup, param, type ToolDef, ToolError, tool, transferTool } from '../kit.js';

/** A to-do task of the mock domain (not a benchmark task). */
export interface MockTask {
  task_id: string;
  title: string;
  description: string | null;
  status: string;
}

/** A user and the ids of their tasks. */
export interface MockUser {
  user_id: string;
  name: string;
  tasks: string[];
}

/** The mock domain's `db.json`. */
export interface MockDb {
  tasks: Record<string, MockTask>;
  users: Record<string, MockUser>;
}

const STATUSES = ['pending', 'completed'];

/** Whether a parsed `db.json` has the mock domain's shape. */
export function isMockDb(db: unknown): db is MockDb {
  const d = db as Partial<MockDb> | null;
  return typeof d?.tasks === 'object' && d.tasks !== null && typeof d.users === 'object' && d.users !== null;
}

/** All tools of the mock domain. */
export const mockTools: ToolDef<MockDb>[] = [
  tool(
    'create_task',
    'Create a new pending task for an existing user.',
    {
      user_id: param.str('The id of the user the task is for.'),
      title: param.str('The title of the task (required, not empty).'),
      'description?': param.str('An optional description of the task.'),
    },
    (db, args) => {
      const user = lookup(db.users, args.str('user_id'), 'user');
      const title = args.str('title');
      if (title.trim() === '') throw new ToolError('a task must have a title');
      const description = args.optStr('description') ?? null;
      let n = Object.keys(db.tasks).length + 1;
      while (Object.hasOwn(db.tasks, `task_${n}`)) n++;
      const created: MockTask = { task_id: `task_${n}`, title, description, status: 'pending' };
      db.tasks[created.task_id] = created;
      user.tasks.push(created.task_id);
      return created;
    },
  ),
  tool('get_users', 'List all users with the ids of their tasks.', {}, (db) => Object.values(db.users)),
  tool(
    'update_task_status',
    "Set a task's status to 'pending' or 'completed'.",
    {
      task_id: param.str('The id of the task, e.g. task_1.'),
      status: param.enum(STATUSES, 'The new status.'),
    },
    (db, args) => {
      const status = args.str('status');
      if (!STATUSES.includes(status)) throw new ToolError(`status must be one of: ${STATUSES.join(', ')}`);
      const task = lookup(db.tasks, args.str('task_id'), 'task');
      task.status = status;
      return task;
    },
  ),
  transferTool(),
];
