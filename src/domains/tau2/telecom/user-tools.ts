/**
 * tau2's `TelecomUserTools` (domains/telecom/user_tools.py): the user's tools, in class order. Each answers with
 * what the user would read off the phone, most with the status bar after the change; the phone itself is in
 * phone.ts, the non-tool helpers and assertions in user-helpers.ts.
 */
import { pyFixed } from '../../../export/legacy/console.js';
import type { PyValue } from '../../../util/pyjson.js';
import { modelDump, t, validateModel } from '../env/model.js';
import { attributeError, modelName, type PyDict, pyRepr, pyStr, pyTypeName } from '../env/python.js';
import type { MethodSpec, ToolKitSpec } from '../env/toolkit.js';
import {
  appStatus,
  canSendMms,
  clearWifi,
  connectVpn,
  device,
  disconnectVpn,
  grantedPermissions,
  onOff,
  paymentRequest,
  simStatus,
  simulateNetworkSearch,
  speedTest,
  statusBar,
  toggleAirplaneMode,
  toggleData,
  toggleDataSaver,
  toggleRoaming,
  toggleWifiCalling,
  withStatusBar,
  yesNo,
} from './phone.js';
import { attr, enumValue, pyLower, setAttr, truthy } from './py.js';
import { TELECOM_USER_HELPERS } from './user-helpers.js';
import { APNSettings, NETWORK_MODES, NetworkModePreference } from './user-models.js';

const SPEED_ADVICE: Readonly<Record<string, string>> = {
  'Very Poor': 'Connection is very slow. Basic web browsing might be difficult.',
  Poor: 'Connection is slow. Web browsing may be sluggish, streaming difficult.',
  Fair: 'Connection is okay for web browsing and some standard definition streaming.',
  Good: 'Connection is good for most activities, including HD streaming.',
  Excellent: 'Connection is very fast.',
};

// A tool without parameters whose body is `run`.
const noArgs = (
  name: string,
  description: string,
  toolType: 'read' | 'write',
  run: (db: PyDict) => PyValue,
): MethodSpec => ({ name, description, toolType, params: [], run: (db) => run(db) });

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
    const failed = () =>
      withStatusBar(
        db,
        `Failed to set network mode: '${pyStr(mode)}' is not a valid option. Please use one of: ${NETWORK_MODES.join(', ')}`,
      );
    // A str must name a member (NetworkModePreference(mode)); anything else is stored as given (quirk 10), and
    // None, stored too, then reads as the "not valid" of an unknown str.
    if (typeof mode === 'string' && !(NETWORK_MODES as readonly string[]).includes(mode)) return failed();
    device(db)['network_mode_preference'] = mode;
    simulateNetworkSearch(db);
    if (mode === null) return failed();
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
    const permission = pyLower(a['permission']!);
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
  methods: TELECOM_USER_HELPERS,
};
