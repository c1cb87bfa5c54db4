/** tau2's `MockUserTools` (domains/mock/user_tools.py): the user's notification inbox. */
import type { PyValue } from '../../../util/pyjson.js';
import { t, validateModel } from '../env/model.js';
import { getattr, type PyDict, pyEquals, pyIn, pyStr, valueError } from '../env/python.js';
import type { MethodSpec, ToolKitSpec } from '../env/toolkit.js';
import { Notification } from './models.js';

// `self.db.notifications`: when set_state has pointed this toolkit at the agent's MockDB, this is where it fails.
const notifications = (db: PyDict) => getattr<PyDict>(db, 'notifications');

const checkNotifications: MethodSpec = {
  name: 'check_notifications',
  description: "Check all notifications in the user's inbox.",
  toolType: 'read',
  params: [],
  run: (db) => Object.values(notifications(db)),
};

const dismissNotification: MethodSpec = {
  name: 'dismiss_notification',
  description: 'Dismiss (mark as read) a notification.',
  toolType: 'write',
  params: [{ name: 'notification_id', type: t.str, description: 'The ID of the notification to dismiss.' }],
  run(db, a) {
    const id = a['notification_id']!;
    if (!pyIn(id, notifications(db))) throw valueError(`Notification ${pyStr(id)} not found`);
    (notifications(db)[id as string] as PyDict)['status'] = 'read';
    return `Notification ${pyStr(id)} dismissed`;
  },
};

// Not tools: reached only by initialization actions and environment assertions.
const addNotification: MethodSpec = {
  name: 'add_notification',
  description: "Add a notification to the user's inbox (used by initialization_actions).",
  params: [
    { name: 'notification_id', type: t.str },
    { name: 'message', type: t.str },
    { name: 'task_id', type: t.optional(t.str), default: null },
  ],
  run(db, a) {
    const notification = validateModel(Notification, {
      notification_id: a['notification_id']!,
      message: a['message']!,
      task_id: a['task_id']!,
    });
    // Validated as a str above, so a usable key.
    notifications(db)[a['notification_id'] as string] = notification;
    return notification;
  },
};

const assertNotificationStatus: MethodSpec = {
  name: 'assert_notification_status',
  description: 'Check if a notification has the expected status (used by env_assertions).',
  params: [
    { name: 'notification_id', type: t.str },
    { name: 'expected_status', type: t.str },
  ],
  run(db, a) {
    const id: PyValue = a['notification_id']!;
    if (!pyIn(id, notifications(db))) throw valueError(`Notification ${pyStr(id)} not found`);
    return pyEquals((notifications(db)[id as string] as PyDict)['status']!, a['expected_status']!);
  },
};

/** `MockUserTools`: the user's tools in class order, and the helpers. */
export const MockUserTools: ToolKitSpec = {
  className: 'MockUserTools',
  tools: [checkNotifications, dismissNotification],
  methods: [addNotification, assertNotificationStatus],
};
