/** tau2's mock data models (domains/mock/data_model.py, user_data_model.py). */
import { defineModel, t } from '../env/model.js';

/** A to-do task (`Task`); `description` defaults to None. */
export const Task = defineModel('Task', {
  task_id: t.str,
  title: t.str,
  description: { type: t.optional(t.str), default: () => null },
  status: t.literal('pending', 'completed'),
});

/** A user with the ids of their tasks (`User`). */
export const User = defineModel('User', { user_id: t.str, name: t.str, tasks: t.list(t.str) });

/** The agent's DB, `db.json` (`MockDB`, a tau2 `DB`: extra fields forbidden). */
export const MockDB = defineModel(
  'MockDB',
  { tasks: t.dict(t.model(Task)), users: t.dict(t.model(User)) },
  'forbid',
);

/** A notification of the user's inbox (`Notification`, `BaseModelNoExtra`). */
export const Notification = defineModel(
  'Notification',
  {
    notification_id: t.str,
    message: t.str,
    status: { type: t.literal('unread', 'read'), default: () => 'unread' },
    task_id: { type: t.optional(t.str), default: () => null },
  },
  'forbid',
);

/** The user's DB, `user_db.json` (`MockUserDB`). */
export const MockUserDB = defineModel(
  'MockUserDB',
  { notifications: { type: t.dict(t.model(Notification)), default: () => ({}) } },
  'forbid',
);
