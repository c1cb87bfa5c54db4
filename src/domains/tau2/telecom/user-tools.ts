/**
 * tau2's `TelecomUserTools` (domains/telecom/user_tools.py): the user's simulated phone. Tools answer with the
 * texts a user would read off the screen (status bar included); the phone only re-evaluates its network at a
 * "network search" (reboot, airplane mode, SIM reseat, toggles), which is when carrier-side changes show.
 */
import { pyFixed } from '../../../export/legacy/console.js';
import type { PyValue } from '../../../util/pyjson.js';
import { modelDump, t, validateModel } from '../env/model.js';
import {
  attributeError,
  getattr,
  modelName,
  type PyDict,
  pyEquals,
  pyRepr,
  pyStr,
  pyTypeName,
  typeError,
  valueError,
} from '../env/python.js';
import type { MethodSpec, ToolKitSpec } from '../env/toolkit.js';
import { attr, enumValue, pyCompare, setAttr, truthy } from './py.js';
import { APNSettings, NETWORK_MODES, NetworkModePreference, VpnDetails } from './user-models.js';

const device = (db: PyDict) => getattr<PyDict>(db, 'device');
const surroundings = (db: PyDict) => getattr<PyDict>(db, 'surroundings');
const onOff = (v: PyValue | undefined) => (truthy(v) ? 'ON' : 'OFF');
const yesNo = (v: PyValue | undefined) => (truthy(v) ? 'Yes' : 'No');

/**
 * `TelecomUserTools.default_vpn_details`: a class attribute, so ONE object per Python process. `connect_vpn`
 * puts this very object on the phone and `break_vpn` sets its performance to poor, so after the first
 * `break_vpn` every later VPN connection of the process is poor too (quirk 23).
 */
const DEFAULT_VPN_DETAILS = validateModel(VpnDetails, {
  server_address: '192.168.1.1',
  protocol: 'OpenVPN',
  server_performance: 'excellent',
});

// `d.get(key)` on a dict with str keys: an unhashable key raises, another non-str key is absent.
function dictGet(d: PyDict, key: PyValue): PyValue | undefined {
  if (Array.isArray(key) || (typeof key === 'object' && key !== null)) {
    throw typeError(`unhashable type: '${pyTypeName(key)}'`);
  }
  return typeof key === 'string' && Object.hasOwn(d, key) ? d[key] : undefined;
}

const SIGNAL_ICONS: Readonly<Record<string, string>> = {
  none: '📵 No Signal',
  poor: '📶¹ Poor',
  fair: '📶² Fair',
  good: '📶³ Good',
  excellent: '📶⁴ Excellent',
};

/** `_check_status_bar`: the indicators of the phone's status bar, joined by ` | `. */
export function statusBar(db: PyDict): string {
  const d = device(db);
  const out: string[] = [];
  if (truthy(d['airplane_mode'])) out.push('✈️ Airplane Mode');
  else {
    out.push(SIGNAL_ICONS[d['network_signal_strength'] as string] ?? '📵 No Signal');
    const tech = d['network_technology_connected']!;
    if (!pyEquals(tech, 'none')) out.push(enumValue(tech));
    if (truthy(d['data_enabled']) && !pyEquals(tech, 'none')) {
      out.push('📱 Data Enabled');
      if (truthy(d['data_saver_mode'])) out.push('🔽 Data Saver');
    } else out.push('📵 Data Disabled');
  }
  if (truthy(d['wifi_enabled']) && truthy(d['wifi_connected'])) {
    out.push(truthy(d['wifi_ssid']) ? `📡 Connected to ${pyStr(d['wifi_ssid']!)}` : '📡 Enabled');
  }
  if (truthy(d['vpn_connected'])) out.push('🔒 VPN Connected');
  out.push(`🔋 ${pyStr(d['battery_level']!)}%`);
  return out.join(' | ');
}

const withStatusBar = (db: PyDict, text: string) => `${text}\nStatus Bar: ${statusBar(db)}`;

/** `_check_sim_status`: a missing SIM wins over the card's own status. */
const simStatus = (db: PyDict): PyValue =>
  truthy(device(db)['sim_card_missing']) ? 'missing' : device(db)['sim_card_status']!;

/** `simulate_network_search`: what the phone connects to, from its SIM, mode, APN, line and surroundings. */
export function simulateNetworkSearch(db: PyDict): void {
  const d = device(db);
  const signals = attr<PyDict>(surroundings(db), 'signal_strength');
  const signal = (tech: string) => dictGet(signals, tech) ?? 'none';
  const connectTo = (tech: string, strength: PyValue) => {
    d['network_technology_connected'] = tech;
    d['network_signal_strength'] = strength;
  };
  const noService = () => {
    d['network_connection_status'] = 'no_service';
    connectTo('none', 'none');
  };
  if (pyEquals(simStatus(db), 'active')) {
    d['network_connection_status'] = 'connected';
    const pref = d['network_mode_preference']!;
    if (pyEquals(pref, '4g_5g_preferred')) {
      const fiveG = signal('5G');
      if (pyEquals(fiveG, 'none')) connectTo('4G', signal('4G'));
      else connectTo('5G', fiveG);
    } else if (pyEquals(pref, '3g_only')) connectTo('3G', signal('3G'));
    else if (pyEquals(pref, '2g_only')) connectTo('2G', signal('2G'));
    // 4g_only, and the fallback for anything else (a bad value stored by set_network_mode_preference).
    else connectTo('4G', signal('4G'));
  } else noService();
  if (truthy(d['airplane_mode'])) noService();
  if (pyEquals(attr(d['active_apn_settings'], 'apn_name'), 'broken')) noService();
  if (!truthy(surroundings(db)['line_active'])) noService();
}

/** `_get_mobile_data_working`. */
export function mobileDataWorking(db: PyDict): boolean {
  const d = device(db);
  const s = surroundings(db);
  if (truthy(d['airplane_mode']) || pyEquals(d['network_signal_strength']!, 'none')) return false;
  if (pyEquals(d['network_connection_status']!, 'no_service')) return false;
  if (truthy(s['is_abroad']) && (!truthy(d['roaming_enabled']) || !truthy(s['roaming_allowed'])))
    return false;
  if (!truthy(d['data_enabled'])) return false;
  return !truthy(s['mobile_data_usage_exceeded']);
}

const SPEED_RANGES: Readonly<Record<string, [number, number]>> = {
  '2G': [0.1, 0.4],
  '3G': [1.0, 5.0],
  '4G': [10.0, 100.0],
  '5G': [50.0, 500.0],
  none: [0.0, 0.0],
};
const SIGNAL_FACTORS: Readonly<Record<string, number>> = {
  poor: 0.2,
  fair: 0.5,
  good: 0.8,
  excellent: 1.0,
  none: 0,
};

/** `_run_speed_test`: `[speed, description]`, speed null without a working data connection. */
export function speedTest(db: PyDict): [number | null, string] {
  if (!mobileDataWorking(db)) return [null, 'No Connection'];
  const d = device(db);
  const vpn = d['vpn_details'] ?? null;
  let factor =
    truthy(d['vpn_connected']) && truthy(vpn) && pyEquals(attr(vpn, 'server_performance'), 'poor')
      ? 0.1
      : 1.0;
  if (truthy(d['data_saver_mode'])) factor *= 0.2;
  const [min, max] = SPEED_RANGES[d['network_technology_connected'] as string] ?? [0, 0];
  const signal = SIGNAL_FACTORS[d['network_signal_strength'] as string] ?? 0;
  // round(x, 2) is the double nearest to x's exact decimal value rounded half-even, which pyFixed gives.
  const speed = Number(pyFixed(((min + max) / 2.0) * signal * factor, 2));
  const desc =
    speed < 1 ? 'Very Poor' : speed < 5 ? 'Poor' : speed < 25 ? 'Fair' : speed < 100 ? 'Good' : 'Excellent';
  return [speed, desc];
}

const SPEED_ADVICE: Readonly<Record<string, string>> = {
  'Very Poor': 'Connection is very slow. Basic web browsing might be difficult.',
  Poor: 'Connection is slow. Web browsing may be sluggish, streaming difficult.',
  Fair: 'Connection is okay for web browsing and some standard definition streaming.',
  Good: 'Connection is good for most activities, including HD streaming.',
  Excellent: 'Connection is very fast.',
};

/** `_can_send_mms`. */
export function canSendMms(db: PyDict): boolean {
  const d = device(db);
  if (!mobileDataWorking(db)) return false;
  if (pyEquals(d['network_technology_connected']!, '2G')) return false;
  if (truthy(d['wifi_calling_enabled']) && truthy(d['wifi_calling_mms_over_wifi'])) return false;
  if (attr(d['active_apn_settings'], 'mmsc_url') === null) return false;
  const app = dictGet(attr<PyDict>(d, 'app_statuses'), 'messaging');
  if (app === undefined || app === null) return false;
  const perms = attr<PyDict>(app, 'permissions');
  return truthy(perms['storage']) && truthy(perms['sms']);
}

// A tool without parameters whose body is `run`.
const noArgs = (
  name: string,
  description: string,
  toolType: 'read' | 'write',
  run: (db: PyDict) => PyValue,
): MethodSpec => ({ name, description, toolType, params: [], run: (db) => run(db) });
// A helper method without parameters (initialization actions).
const helper = (name: string, description: string, run: (db: PyDict) => PyValue): MethodSpec => ({
  name,
  description,
  params: [],
  run: (db) => run(db),
});

// A toggle of a device flag; `search` when tau2's toggle triggers a network search.
function toggleFlag(db: PyDict, field: string, search: boolean): boolean {
  const next = !truthy(device(db)[field]);
  device(db)[field] = next;
  if (search) simulateNetworkSearch(db);
  return next;
}

function disconnectVpn(db: PyDict): boolean {
  const d = device(db);
  if (!truthy(d['vpn_connected'])) return false;
  d['vpn_connected'] = false;
  d['vpn_details'] = null;
  return true;
}

function clearWifi(d: PyDict): void {
  d['wifi_connected'] = false;
  d['wifi_ssid'] = null;
  d['wifi_signal_strength'] = 'none';
}

/** `_toggle_airplane_mode`: on drops Wi-Fi and the VPN; off searches again. Returns the new state. */
function toggleAirplaneMode(db: PyDict): boolean {
  const d = device(db);
  const wasOn = truthy(d['airplane_mode']);
  d['airplane_mode'] = !wasOn;
  if (wasOn) {
    d['network_connection_status'] = 'searching';
    if (truthy(d['wifi_enabled'])) clearWifi(d);
  } else {
    clearWifi(d);
    if (truthy(d['vpn_connected'])) disconnectVpn(db);
  }
  simulateNetworkSearch(db);
  return !wasOn;
}

// `turn_x_on/off`: toggle, and toggle back when the first toggle went the wrong way.
const turn = (toggle: (db: PyDict) => boolean, on: boolean) => (db: PyDict) => {
  if (toggle(db) !== on) toggle(db);
};

const checkStatusBar = noArgs(
  'check_status_bar',
  "Shows what icons are currently visible in your phone's status bar (the area at the top of the screen). Displays network signal strength, mobile data status (enabled, disabled, data saver), Wi-Fi status, and battery level.",
  'read',
  (db) => `Status Bar: ${statusBar(db)}`,
);

const checkNetworkStatus = noArgs(
  'check_network_status',
  "Checks your phone's connection status to cellular networks and Wi-Fi. Shows airplane mode status, signal strength, network type, whether mobile data is enabled, and whether data roaming is enabled.",
  'read',
  (db) => {
    const d = device(db);
    const lines = [
      `Airplane Mode: ${onOff(d['airplane_mode'])}`,
      `SIM Card Status: ${enumValue(simStatus(db))}`,
      `Cellular Connection: ${enumValue(d['network_connection_status'])}`,
      `Cellular Signal: ${enumValue(d['network_signal_strength'])}`,
      `Cellular Network Type: ${enumValue(d['network_technology_connected'])}`,
      `Mobile Data Enabled: ${yesNo(d['data_enabled'])}`,
      `Data Roaming Enabled: ${yesNo(d['roaming_enabled'])}`,
      `Wi-Fi Radio: ${onOff(d['wifi_enabled'])}`,
      `Wi-Fi Connected: ${yesNo(d['wifi_connected'])}`,
    ];
    if (truthy(d['wifi_connected'])) lines.push(`Connected Wi-Fi Network: ${pyStr(d['wifi_ssid']!)}`);
    return lines.join('\n');
  },
);

const checkNetworkModePreference = noArgs(
  'check_network_mode_preference',
  'Shows the current network mode preference.',
  'read',
  (db) => `Network Mode Preference: ${enumValue(device(db)['network_mode_preference'])}`,
);

const setNetworkModePreference: MethodSpec = {
  name: 'set_network_mode_preference',
  description:
    'Changes the type of cellular network your phone prefers to connect to (e.g., 5G, LTE/4G, 3G). Higher-speed networks (LTE/5G) provide faster data but may use more battery.',
  toolType: 'write',
  params: [{ name: 'mode', type: t.union(NetworkModePreference, t.str) }],
  run(db, a) {
    const mode = a['mode']!;
    // A str must name a member (NetworkModePreference(mode)); anything else is stored as given (quirk 10).
    if (typeof mode === 'string' && !(NETWORK_MODES as readonly string[]).includes(mode)) {
      return withStatusBar(
        db,
        `Failed to set network mode: '${mode}' is not a valid option. Please use one of: ${NETWORK_MODES.join(', ')}`,
      );
    }
    device(db)['network_mode_preference'] = mode;
    simulateNetworkSearch(db);
    return withStatusBar(db, `Preferred Network Mode set to: ${enumValue(mode)}`);
  },
};

const runSpeedTest = noArgs(
  'run_speed_test',
  'Measures your current internet connection speed (download speed). Provides information about connection quality and what activities it can support.',
  'read',
  (db) => {
    const [speed, desc] = speedTest(db);
    if (speed === null) return `Speed test failed: ${desc || 'Could not determine speed'}.`;
    return `Speed Test Result: ${pyFixed(speed, 2)} Mbps (${desc}). ${SPEED_ADVICE[desc] ?? ''}`;
  },
);

const toggleAirplaneModeTool = noArgs(
  'toggle_airplane_mode',
  'Toggles Airplane Mode ON or OFF. When ON, it disconnects all wireless communications including cellular, Wi-Fi, and Bluetooth.\n\nReturns the new state of airplane_mode.',
  'write',
  (db) => withStatusBar(db, `Airplane Mode is now ${onOff(toggleAirplaneMode(db))}.`),
);

const SIM_TEXTS: Readonly<Record<string, string>> = {
  active: 'Your SIM card is active and working.',
  missing: 'No SIM card detected in the phone.',
  locked_pin: 'The SIM card is locked with a PIN code.',
  locked_puk: 'The SIM card is locked with a PUK code.',
};

const checkSimStatus = noArgs(
  'check_sim_status',
  'Checks if your SIM card is working correctly and displays its current status. Shows if the SIM is active, missing, or locked with a PIN or PUK code.',
  'read',
  (db) => {
    // The fallback f-string reads `status.value` before the look-up.
    const status = enumValue(simStatus(db));
    return SIM_TEXTS[status] ?? `Unknown SIM status: ${status}`;
  },
);

const reseatSimCard = noArgs(
  'reseat_sim_card',
  'Simulates removing and reinserting your SIM card. This can help resolve recognition issues.',
  'write',
  (db) => {
    device(db)['sim_card_missing'] = false;
    simulateNetworkSearch(db);
    return withStatusBar(db, 'SIM card re-seated successfully.');
  },
);

const toggleData = (db: PyDict) => toggleFlag(db, 'data_enabled', true);
const toggleRoaming = (db: PyDict) => toggleFlag(db, 'roaming_enabled', true);
const toggleDataSaver = (db: PyDict) => toggleFlag(db, 'data_saver_mode', false);

const toggleDataTool = noArgs(
  'toggle_data',
  "Toggles your phone's mobile data connection ON or OFF. Controls whether your phone can use cellular data for internet access when Wi-Fi is unavailable.\n\nReturns the new data connection status.",
  'write',
  (db) => withStatusBar(db, `Mobile Data is now ${onOff(toggleData(db))}.`),
);

const toggleRoamingTool = noArgs(
  'toggle_roaming',
  "Toggles Data Roaming ON or OFF. When ON, your phone can use data networks in areas outside your carrier's coverage.\n\nReturns the new data roaming status.",
  'write',
  (db) => withStatusBar(db, `Data Roaming is now ${onOff(toggleRoaming(db))}.`),
);

const checkDataRestrictionStatus = noArgs(
  'check_data_restriction_status',
  'Checks if your phone has any data-limiting features active. Shows if Data Saver mode is on.',
  'read',
  (db) =>
    truthy(device(db)['data_saver_mode'])
      ? 'Data Saver mode is ON (limits data usage).'
      : 'Data Saver mode is OFF.',
);

const toggleDataSaverTool = noArgs(
  'toggle_data_saver_mode',
  'Toggles Data Saver mode ON or OFF. When ON, it reduces data usage, which may affect data speed.\n\nReturns the new data saver mode status.',
  'write',
  (db) => withStatusBar(db, `Data Saver Mode is now ${onOff(toggleDataSaver(db))}.`),
);

const checkApnSettings = noArgs(
  'check_apn_settings',
  "Checks the technical APN settings your phone uses to connect to your carrier's mobile data network. Shows current APN name and MMSC URL for picture messaging.",
  'read',
  (db) => {
    const settings = device(db)['active_apn_settings']!;
    // `model_copy(deep=True)` first: a settings value that is not a model fails there.
    if (modelName(settings) === undefined) {
      throw attributeError(pyTypeName(settings), 'model_copy');
    }
    const name = enumValue(attr(settings, 'apn_name')) || 'Not Set';
    const mmsc = attr(settings, 'mmsc_url');
    return `Current APN Name: ${name}\nMMSC URL (for picture messages): ${truthy(mmsc) ? pyStr(mmsc) : 'Not Set'}\n(These are technical settings, usually best left unchanged.)`;
  },
);

const setApnSettings: MethodSpec = {
  name: 'set_apn_settings',
  description: 'Sets the APN settings for the phone.',
  toolType: 'write',
  params: [{ name: 'apn_settings', type: t.union(t.model(APNSettings), t.dict(t.any)) }],
  run(db, a) {
    let settings = a['apn_settings']!;
    const isDict = typeof settings === 'object' && settings !== null && !Array.isArray(settings);
    if (isDict) settings = validateModel(APNSettings, settings);
    // Stored before its name is read: a str or list is kept on the phone although the call fails.
    device(db)['active_apn_settings'] = settings;
    const status = `APN settings set to: ${enumValue(attr(settings, 'apn_name'))}`;
    simulateNetworkSearch(db);
    return withStatusBar(db, status);
  },
};

const resetApnSettings = noArgs(
  'reset_apn_settings',
  'Resets your APN settings to the default settings.',
  'write',
  (db) => {
    setAttr(device(db)['active_apn_settings'], 'reset_at_reboot', true);
    simulateNetworkSearch(db);
    return withStatusBar(db, 'APN settings will reset at reboot.');
  },
);

const checkWifiStatus = noArgs(
  'check_wifi_status',
  "Checks your Wi-Fi connection status. Shows if Wi-Fi is turned on, which network you're connected to (if any), and the signal strength.",
  'read',
  (db) => {
    const d = device(db);
    if (!truthy(d['wifi_enabled'])) return 'Wi-Fi is turned OFF.';
    if (truthy(d['wifi_connected'])) {
      return `Wi-Fi is ON and connected to '${pyStr(d['wifi_ssid']!)}'. Signal strength: ${enumValue(d['wifi_signal_strength'])}.`;
    }
    return 'Wi-Fi is ON but not connected to any network.';
  },
);

const toggleWifi = noArgs(
  'toggle_wifi',
  "Toggles your phone's Wi-Fi radio ON or OFF. Controls whether your phone can discover and connect to wireless networks for internet access.\n\nReturns the new Wi-Fi status.",
  'write',
  (db) => {
    const d = device(db);
    if (truthy(d['airplane_mode']))
      return withStatusBar(db, 'Cannot change Wi-Fi settings while Airplane Mode is ON.');
    const next = !truthy(d['wifi_enabled']);
    d['wifi_enabled'] = next;
    if (!next) clearWifi(d);
    return withStatusBar(db, `Wi-Fi is now ${onOff(next)}.`);
  },
);

const checkWifiCallingStatus = noArgs(
  'check_wifi_calling_status',
  'Checks if Wi-Fi Calling is enabled on your device. This feature allows you to make and receive calls over a Wi-Fi network instead of using the cellular network.',
  'read',
  (db) => `Wi-Fi Calling is currently turned ${onOff(device(db)['wifi_calling_enabled'])}.`,
);

const toggleWifiCalling = (db: PyDict) => toggleFlag(db, 'wifi_calling_enabled', false);

const toggleWifiCallingTool = noArgs(
  'toggle_wifi_calling',
  'Toggles Wi-Fi Calling ON or OFF. This feature allows you to make and receive calls over Wi-Fi instead of the cellular network, which can help in areas with weak cellular signal.\n\nReturns the new Wi-Fi Calling status.',
  'write',
  (db) => withStatusBar(db, `Wi-Fi Calling is now ${onOff(toggleWifiCalling(db))}.`),
);

// `repr(vpn_details.model_dump())`: the dump keeps the enum member, whose repr is `<PerformanceLevel.X: 'x'>`.
function vpnDetailsRepr(details: PyDict): string {
  const dump = modelDump(details) as PyDict;
  const parts = Object.entries(dump).map(([k, v]) => {
    const shown =
      k === 'server_performance' && typeof v === 'string'
        ? `<PerformanceLevel.${v.toUpperCase()}: ${pyRepr(v)}>`
        : pyRepr(v);
    return `${pyRepr(k)}: ${shown}`;
  });
  return `{${parts.join(', ')}}`;
}

const checkVpnStatus = noArgs(
  'check_vpn_status',
  "Checks if you're using a VPN (Virtual Private Network) connection. Shows if a VPN is active, connected, and displays any available connection details.",
  'read',
  (db) => {
    const d = device(db);
    if (truthy(d['vpn_connected'])) {
      const details = d['vpn_details'] ?? null;
      return truthy(details)
        ? `VPN is ON and connected. Details: ${vpnDetailsRepr(details as PyDict)}`
        : 'VPN is ON and connected (no specific details available).';
    }
    return truthy(d['vpn_enabled_setting'])
      ? 'VPN is turned ON in settings, but currently not connected.'
      : 'VPN is turned OFF.';
  },
);

// `connect_vpn` (a tool, also called by `break_vpn`).
function connectVpn(db: PyDict): string {
  const d = device(db);
  if (truthy(d['vpn_connected'])) return 'VPN already connected.';
  d['vpn_connected'] = true;
  d['vpn_details'] = DEFAULT_VPN_DETAILS;
  return withStatusBar(db, 'VPN connected successfully.');
}

const connectVpnTool = noArgs(
  'connect_vpn',
  'Connects to your VPN (Virtual Private Network).',
  'write',
  connectVpn,
);

const disconnectVpnTool = noArgs(
  'disconnect_vpn',
  'Disconnects any active VPN (Virtual Private Network) connection. Stops routing your internet traffic through a VPN server, which might affect connection speed or access to content.',
  'write',
  (db) =>
    withStatusBar(
      db,
      disconnectVpn(db) ? 'VPN disconnected successfully.' : 'No active VPN connection to disconnect.',
    ),
);

const checkInstalledApps = noArgs(
  'check_installed_apps',
  'Returns the name of all installed apps on the phone.',
  'read',
  (db) =>
    `The following apps are installed on the phone: ${Object.keys(attr<PyDict>(device(db), 'app_statuses')).join(', ')}`,
);

// The app's status, or undefined when `app_statuses.get(app_name)` finds nothing.
function appStatus(db: PyDict, app: PyValue): PyDict | undefined {
  const status = dictGet(attr<PyDict>(device(db), 'app_statuses'), app);
  return truthy(status) ? (status as PyDict) : undefined;
}

// Names of the granted permissions, as `name.replace("_", " ").lower()`.
const grantedPermissions = (status: PyDict): string[] =>
  Object.entries(modelDump(attr(status, 'permissions')) as PyDict)
    .filter(([, allowed]) => truthy(allowed))
    .map(([name]) => name.replaceAll('_', ' ').toLowerCase());

const appNameParam = { name: 'app_name', type: t.str };

const checkAppStatus: MethodSpec = {
  name: 'check_app_status',
  description:
    'Checks detailed information about a specific app. Shows its permissions and background data usage settings.',
  toolType: 'read',
  params: [appNameParam],
  run(db, a) {
    const app = a['app_name']!;
    const status = appStatus(db, app);
    if (status === undefined) return `App '${pyStr(app)}' not found on this phone.`;
    const perms = grantedPermissions(status);
    const lines = [`Status for App: ${pyStr(app)}`];
    if (perms.length === 0) lines.push(' - Permissions: None granted.');
    else lines.push(' - Permissions Granted:', ...perms.map((p) => `   - ${p}`));
    return lines.join('\n');
  },
};

const checkAppPermissions: MethodSpec = {
  name: 'check_app_permissions',
  description:
    'Checks what permissions a specific app currently has. Shows if the app has access to features like storage, camera, location, etc.',
  toolType: 'read',
  params: [appNameParam],
  run(db, a) {
    const app = pyStr(a['app_name']!);
    const status = appStatus(db, a['app_name']!);
    if (status === undefined) return `App '${app}' not found on this phone.`;
    const perms = grantedPermissions(status);
    return perms.length === 0
      ? `App '${app}' currently has no permissions granted.`
      : `App '${app}' has permission for: ${perms.join(', ')}.`;
  },
};

// `permission.lower()` on any value.
function lowerPermission(v: PyValue): string {
  if (typeof v !== 'string') throw attributeError(pyTypeName(v), 'lower');
  return v.toLowerCase();
}
const grantAppPermission: MethodSpec = {
  name: 'grant_app_permission',
  description:
    'Gives a specific permission to an app (like access to storage, camera, or location). Required for some app functions to work properly.',
  toolType: 'write',
  params: [
    { name: 'app_name', type: t.str, description: 'The name of the app to grant the permission to.' },
    { name: 'permission', type: t.str, description: 'The permission to grant, should be lowercase.' },
  ],
  run(db, a) {
    const app = pyStr(a['app_name']!);
    const status = appStatus(db, a['app_name']!);
    const permission = lowerPermission(a['permission']!);
    let ok = false;
    let message: string;
    if (status === undefined) message = `App '${app}' not found. Cannot grant permission.`;
    else {
      const perms = attr<PyDict>(status, 'permissions');
      const available = Object.keys(modelDump(perms) as PyDict);
      if (!available.includes(permission)) {
        message = `Permission '${permission}' not tracked for app '${app}', available permissions: ${pyRepr(available)}`;
      } else {
        perms[permission] = true;
        ok = true;
        message = `Permission '${permission}' granted to app '${app}'.`;
      }
    }
    return withStatusBar(db, `${ok ? 'Success. ' : 'Error. '}${message}`);
  },
};

const canSendMmsTool = noArgs(
  'can_send_mms',
  'Checks if the default messaging app can send MMS messages.',
  'read',
  (db) =>
    canSendMms(db)
      ? 'Your messaging app can send MMS messages.'
      : 'Your messaging app cannot send MMS messages.',
);

const rebootDevice = noArgs(
  'reboot_device',
  'Restarts your phone completely. This can help resolve many temporary software glitches by refreshing all running services and connections.',
  'write',
  (db) => {
    const d = device(db);
    const lines: string[] = [];
    if (truthy(attr(d['active_apn_settings'], 'reset_at_reboot'))) {
      lines.push('Resetting APN settings...');
      d['active_apn_settings'] = validateModel(APNSettings, {});
    }
    lines.push('Restarting network services...');
    d['network_connection_status'] = 'searching';
    simulateNetworkSearch(db);
    return withStatusBar(db, lines.join('\n'));
  },
);

const paymentRequest = (db: PyDict): PyDict | null =>
  (surroundings(db)['payment_request'] ?? null) as PyDict | null;

const checkPaymentRequest = noArgs(
  'check_payment_request',
  'Checks if the agent has sent you a payment request.',
  'read',
  (db) => {
    const req = paymentRequest(db);
    if (req === null) return 'No payment request has been made.';
    return `You have a payment request for bill ${pyStr(req['bill_id']!)} of ${pyStr(req['amount_due']!)} USD.`;
  },
);

const makePayment = noArgs(
  'make_payment',
  'Makes a payment for the bill that the agent has sent you.',
  'write',
  (db) => {
    const req = paymentRequest(db);
    if (req === null) return 'You do not have a payment request.';
    req['paid'] = true;
    return `Payment of ${pyStr(req['amount_due']!)} USD has been made for bill ${pyStr(req['bill_id']!)}.`;
  },
);

// --- Not tools: set-up helpers (initialization actions) and assertions (env assertions). ---

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
    const permission = lowerPermission(a['permission']!);
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
    return fast && desc.toLowerCase() === lowerPermission(want);
  },
};

/** `TelecomUserTools`: the user's tools in class order, and the helpers tasks call by name. */
export const TelecomUserTools: ToolKitSpec = {
  className: 'TelecomUserTools',
  tools: [
    checkStatusBar,
    checkNetworkStatus,
    checkNetworkModePreference,
    setNetworkModePreference,
    runSpeedTest,
    toggleAirplaneModeTool,
    checkSimStatus,
    reseatSimCard,
    toggleDataTool,
    toggleRoamingTool,
    checkDataRestrictionStatus,
    toggleDataSaverTool,
    checkApnSettings,
    setApnSettings,
    resetApnSettings,
    checkWifiStatus,
    toggleWifi,
    checkWifiCallingStatus,
    toggleWifiCallingTool,
    checkVpnStatus,
    connectVpnTool,
    disconnectVpnTool,
    checkInstalledApps,
    checkAppStatus,
    checkAppPermissions,
    grantAppPermission,
    canSendMmsTool,
    rebootDevice,
    checkPaymentRequest,
    makePayment,
  ],
  methods: [
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
      // Sets the performance on the shared default object when this call connected it (quirk 23).
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
  ],
};
