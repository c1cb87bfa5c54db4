/**
 * The methods of tau2's `TelecomUserTools` that are not tools: the set-up helpers tasks' initialization actions
 * call by name (break the phone: airplane mode on, SIM out, APN broken, ...) and the `assert_*` checks of their
 * env assertions. The user's model never sees them: `get_response` answers `Tool 'x' not found.`.
 */
import type { PyValue } from '../../../util/pyjson.js';
import { t } from '../env/model.js';
import { type PyDict, pyEquals, pyRepr, pyStr, valueError } from '../env/python.js';
import type { MethodSpec } from '../env/toolkit.js';
import {
  appStatus,
  canSendMms,
  connectVpn,
  device,
  mobileDataWorking,
  onOff,
  simulateNetworkSearch,
  speedTest,
  surroundings,
  toggleAirplaneMode,
  toggleData,
  toggleDataSaver,
  toggleRoaming,
  toggleWifiCalling,
  turn,
} from './phone.js';
import { attr, pyCompare, pyLower, setAttr } from './py.js';

// A helper method without parameters (initialization actions).
const helper = (name: string, description: string, run: (db: PyDict) => PyValue): MethodSpec => ({
  name,
  description,
  params: [],
  run: (db) => run(db),
});

const setUserInfo: MethodSpec = {
  name: 'set_user_info',
  description: "Sets the user's name and phone number.",
  params: [
    { name: 'name', type: t.str },
    { name: 'phone_number', type: t.str },
  ],
  run(db, a) {
    surroundings(db)['name'] = a['name']!;
    surroundings(db)['phone_number'] = a['phone_number']!;
    return null;
  },
};

const setUserLocation: MethodSpec = {
  name: 'set_user_location',
  description: "Sets the user's location to abroad or not.",
  params: [{ name: 'abroad', type: t.bool }],
  run(db, a) {
    surroundings(db)['is_abroad'] = a['abroad']!;
    return null;
  },
};

const lockSimCard: MethodSpec = {
  name: 'lock_sim_card',
  description: 'Locks the SIM card by setting the PIN. This cannot be fixed by calling a tool.',
  params: [{ name: 'mode', type: t.literal('pin', 'puk') }],
  run(db, a) {
    const mode = a['mode']!;
    if (pyEquals(mode, 'pin')) device(db)['sim_card_status'] = 'locked_pin';
    else if (pyEquals(mode, 'puk')) device(db)['sim_card_status'] = 'locked_puk';
    simulateNetworkSearch(db);
    return `SIM card locked successfully in ${pyStr(mode)} mode.`;
  },
};

const setWifiCalling: MethodSpec = {
  name: 'set_wifi_calling',
  description: 'Set the Wi-Fi Calling setting. Set MMS over WIFI accordingly if provided.',
  params: [
    { name: 'enabled', type: t.bool },
    { name: 'mms_over_wifi', type: t.optional(t.bool), default: null },
  ],
  run(db, a) {
    const enabled = a['enabled']!;
    const mms = a['mms_over_wifi']!;
    if (!pyEquals(device(db)['wifi_calling_enabled']!, enabled)) toggleWifiCalling(db);
    let msg = `Wi-Fi Calling is now ${onOff(enabled)}.`;
    if (mms !== null) {
      device(db)['wifi_calling_mms_over_wifi'] = mms;
      msg += `\nMMS over Wi-Fi is now ${onOff(mms)}.`;
    }
    return msg;
  },
};

const removeAppPermission: MethodSpec = {
  name: 'remove_app_permission',
  description: 'Removes a specific permission from an app.',
  params: [
    { name: 'app_name', type: t.str },
    { name: 'permission', type: t.str },
  ],
  run(db, a) {
    const app = pyStr(a['app_name']!);
    const status = appStatus(db, a['app_name']!);
    const permission = pyLower(a['permission']!);
    if (status === undefined) return [false, `App '${app}' not found. Cannot remove permission.`];
    const perms = attr<PyDict>(status, 'permissions');
    if (!Object.hasOwn(perms, permission)) {
      return [false, `Permission '${permission}' not tracked for app '${app}'.`];
    }
    perms[permission] = false;
    return [true, `Permission '${permission}' removed from app '${app}'.`];
  },
};

const networkStatusOf = (v: PyValue): string => {
  const statuses = ['connected', 'searching', 'no_service', 'emergency_only'];
  if (typeof v === 'string' && statuses.includes(v)) return v;
  throw valueError(`${pyRepr(v)} is not a valid NetworkStatus`);
};

// An assertion `<getter>() == expected_status`.
const assertEquals = (name: string, description: string, get: (db: PyDict) => PyValue): MethodSpec => ({
  name,
  description,
  params: [{ name: 'expected_status', type: t.bool }],
  run: (db, a) => pyEquals(get(db), a['expected_status']!),
});

const assertInternetSpeed: MethodSpec = {
  name: 'assert_internet_speed',
  description: 'Assert that the internet speed is as expected.',
  params: [
    { name: 'expected_speed', type: t.float },
    { name: 'expected_desc', type: t.optional(t.str), default: null },
  ],
  run(db, a) {
    const [measured, desc] = speedTest(db);
    const speed = measured ?? 0.0;
    const fast = pyCompare('>=', speed, a['expected_speed']!);
    const want = a['expected_desc']!;
    if (want === null) return fast;
    return fast && desc.toLowerCase() === pyLower(want);
  },
};

/** The helpers and assertions of `TelecomUserTools` that are not tools, reached by name only. */
export const TELECOM_USER_HELPERS: readonly MethodSpec[] = [
  setUserInfo,
  setUserLocation,
  helper('turn_airplane_mode_on', 'Turns Airplane Mode ON.', (db) => {
    turn(toggleAirplaneMode, true)(db);
    return 'Airplane Mode is now ON.';
  }),
  helper('turn_airplane_mode_off', 'Turns Airplane Mode OFF.', (db) => {
    turn(toggleAirplaneMode, false)(db);
    return 'Airplane Mode is now OFF.';
  }),
  helper('unseat_sim_card', 'Un-seats the SIM card by removing it.', (db) => {
    device(db)['sim_card_missing'] = true;
    simulateNetworkSearch(db);
    return 'SIM card un-seated successfully.';
  }),
  lockSimCard,
  helper('turn_data_on', 'Turns Data ON.', (db) => {
    // No network search here, unlike the toggle.
    device(db)['data_enabled'] = true;
    return 'Data connection restored.';
  }),
  helper('turn_data_off', 'Turns Data OFF.', (db) => {
    turn(toggleData, false)(db);
    return 'Data connection broken.';
  }),
  helper('turn_roaming_on', 'Turns Data Roaming ON.', (db) => {
    turn(toggleRoaming, true)(db);
    return 'Data Roaming is now ON.';
  }),
  helper('turn_roaming_off', 'Turns Data Roaming OFF.', (db) => {
    turn(toggleRoaming, false)(db);
    return 'Data Roaming is now OFF.';
  }),
  helper('turn_data_saver_mode_on', 'Turns Data Saver mode ON.', (db) => {
    turn(toggleDataSaver, true)(db);
    return 'Data Saver Mode is now ON.';
  }),
  helper('turn_data_saver_mode_off', 'Turns Data Saver mode OFF.', (db) => {
    turn(toggleDataSaver, false)(db);
    return 'Data Saver Mode is now OFF.';
  }),
  helper('break_apn_settings', 'Breaks the APN settings.', (db) => {
    setAttr(device(db)['active_apn_settings'], 'apn_name', 'broken');
    simulateNetworkSearch(db);
    return 'APN settings broken. Please call reset_apn_settings() to fix.';
  }),
  helper('break_apn_mms_setting', 'Breaks the APN MMS setting.', (db) => {
    setAttr(device(db)['active_apn_settings'], 'mmsc_url', null);
    return 'APN MMS setting broken. Please call reset_apn_settings() to fix.';
  }),
  setWifiCalling,
  helper('break_vpn', 'Breaks the VPN connection. Results in a slow mobile data.', (db) => {
    connectVpn(db);
    // Sets the performance on the shared default object when this call connected it (quirk 27).
    setAttr(device(db)['vpn_details'], 'server_performance', 'poor');
    return 'VPN connection broken.';
  }),
  removeAppPermission,
  helper('simulate_network_search', 'Simulates the outcome of a cellular network search.', (db) => {
    simulateNetworkSearch(db);
    return null;
  }),
  assertEquals(
    'assert_airplane_mode_status',
    'Assert the airplane mode status.',
    (db) => device(db)['airplane_mode']!,
  ),
  {
    name: 'assert_service_status',
    description: 'Assert that the network connection status is as expected.',
    params: [{ name: 'expected_status', type: t.str }],
    run: (db, a) =>
      pyEquals(device(db)['network_connection_status']!, networkStatusOf(a['expected_status']!)),
  },
  assertEquals('assert_mobile_data_status', 'Assert the mobile data status.', mobileDataWorking),
  assertEquals(
    'assert_mobile_roaming_status',
    'Assert the roaming status.',
    (db) => device(db)['roaming_enabled']!,
  ),
  assertEquals(
    'assert_mobile_data_saver_mode_status',
    'Assert the data saver mode status.',
    (db) => device(db)['data_saver_mode']!,
  ),
  assertInternetSpeed,
  helper(
    'assert_internet_not_excellent',
    'Assert that the internet speed is not excellent.',
    (db) => speedTest(db)[1].toLowerCase() !== 'excellent',
  ),
  assertEquals('assert_can_send_mms', 'Assert whether MMS can be sent.', canSendMms),
  assertEquals(
    'assert_mobile_data_usage_exceeded',
    'Assert the mobile data usage exceeded status.',
    (db) => surroundings(db)['mobile_data_usage_exceeded']!,
  ),
];
