/**
 * tau2's `MockTools` (domains/mock/tools.py), method for method. Arguments arrive unvalidated, as in Python:
 * `update_task_status` stores any status, `create_task` fails in pydantic when it builds the `Task`.
 */
import type { PyValue } from '../../../util/pyjson.js';
import { t, validateModel } from '../env/model.js';
import { getattr, type PyDict, pyEquals, pyIn, pyStr, valueError } from '../env/python.js';
import type { MethodSpec, ToolKitSpec } from '../env/toolkit.js';
import { transferToHumanAgents } from '../env/transfer.js';
import { Task } from './models.js';

const users = (db: PyDict) => getattr<PyDict>(db, 'users');
const tasks = (db: PyDict) => getattr<PyDict>(db, 'tasks');

const createTask: MethodSpec = {
  name: 'create_task',
  description: 'Create a new task for a user.',
  toolType: 'write',
  params: [
    { name: 'user_id', type: t.str, description: 'The ID of the user creating the task' },
    { name: 'title', type: t.str, description: 'The title of the task' },
    // Annotated `str = None` (not Optional): the schema says string with a null default.
    { name: 'description', type: t.str, description: 'Optional description of the task', default: null },
  ],
  run(db, a) {
    if (!pyIn(a['user_id']!, users(db))) throw valueError(`User ${pyStr(a['user_id']!)} not found`);
    const taskId = `task_${Object.keys(tasks(db)).length + 1}`;
    const task = validateModel(Task, {
      task_id: taskId,
      title: a['title']!,
      description: a['description']!,
      status: 'pending',
    });
    tasks(db)[taskId] = task;
    getattr<PyValue[]>(users(db)[a['user_id'] as string] as PyDict, 'tasks').push(taskId);
    return task;
  },
};

const getUsers: MethodSpec = {
  name: 'get_users',
  description: 'Get all users in the database.',
  toolType: 'read',
  params: [],
  run: (db) => Object.values(users(db)),
};

const updateTaskStatus: MethodSpec = {
  name: 'update_task_status',
  description: 'Update the status of a task.',
  toolType: 'write',
  params: [
    { name: 'task_id', type: t.str, description: 'The ID of the task to update' },
    { name: 'status', type: t.literal('pending', 'completed'), description: 'The new status of the task' },
  ],
  run(db, a) {
    if (!pyIn(a['task_id']!, tasks(db))) throw valueError(`Task ${pyStr(a['task_id']!)} not found`);
    const task = tasks(db)[a['task_id'] as string] as PyDict;
    task['status'] = a['status']!;
    return task;
  },
};

// Not tools: reached only by environment assertions (getattr on the toolkit).
const assertNumberOfTasks: MethodSpec = {
  name: 'assert_number_of_tasks',
  description: 'Check if the number of tasks for a user is as expected.',
  params: [
    { name: 'user_id', type: t.str },
    { name: 'expected_number', type: t.int },
  ],
  run(db, a) {
    if (!pyIn(a['user_id']!, users(db))) throw valueError(`User ${pyStr(a['user_id']!)} not found`);
    const user = users(db)[a['user_id'] as string] as PyDict;
    return pyEquals(BigInt(getattr<PyValue[]>(user, 'tasks').length), a['expected_number']!);
  },
};

const assertTaskStatus: MethodSpec = {
  name: 'assert_task_status',
  description: 'Check if the status of a task is as expected.',
  params: [
    { name: 'task_id', type: t.str },
    { name: 'expected_status', type: t.literal('pending', 'completed') },
  ],
  run(db, a) {
    if (!pyIn(a['task_id']!, tasks(db))) throw valueError(`Task ${pyStr(a['task_id']!)} not found`);
    return pyEquals((tasks(db)[a['task_id'] as string] as PyDict)['status']!, a['expected_status']!);
  },
};

/** `MockTools`: the agent's tools in class order, and the assertion helpers. */
export const MockTools: ToolKitSpec = {
  className: 'MockTools',
  tools: [createTask, getUsers, updateTaskStatus, transferToHumanAgents],
  methods: [assertNumberOfTasks, assertTaskStatus],
};
