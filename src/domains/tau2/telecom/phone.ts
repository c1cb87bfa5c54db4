/**
 * The simulated phone of tau2's `TelecomUserTools` (domains/telecom/user_tools.py), the private `_x` methods the
 * tools are built on: what the status bar shows, the network search that decides what the phone connects to,
 * whether mobile data works and how fast, whether MMS can be sent, and the toggles. The phone only re-evaluates
 * its network at a search (reboot, airplane mode, SIM reseat, some toggles), which is when carrier-side changes
 * synced into the surroundings show.
 */
import { pyFixed } from '../../../export/legacy/console.js';
import type { PyValue } from '../../../util/pyjson.js';
import { modelDump, validateModel } from '../env/model.js';
import { getattr, type PyDict, pyEquals, pyIn, pyStr } from '../env/python.js';
import { attr, enumValue, truthy } from './py.js';
import { VpnDetails } from './user-models.js';

/** `self.device`: the phone (`MockPhoneAttributes`). */
export const device = (db: PyDict) => getattr<PyDict>(db, 'device');

/** `self.surroundings`: where the user is (`UserSurroundings`). */
export const surroundings = (db: PyDict) => getattr<PyDict>(db, 'surroundings');

/** `'ON' if v else 'OFF'`. */
export const onOff = (v: PyValue | undefined) => (truthy(v) ? 'ON' : 'OFF');

/** `'Yes' if v else 'No'`. */
export const yesNo = (v: PyValue | undefined) => (truthy(v) ? 'Yes' : 'No');

/**
 * `TelecomUserTools.default_vpn_details`: a class attribute, so ONE object per Python process. `connect_vpn`
 * puts this very object on the phone and `break_vpn` sets its performance to poor, so after the first
 * `break_vpn` every later VPN connection of the process is poor too (quirk 27).
 */
const DEFAULT_VPN_DETAILS = validateModel(VpnDetails, {
  server_address: '192.168.1.1',
  protocol: 'OpenVPN',
  server_performance: 'excellent',
});

// `d.get(key)` on a dict with str keys (an unhashable key raises, as `in` does).
const dictGet = (d: PyDict, key: PyValue): PyValue | undefined =>
  pyIn(key, d) ? d[key as string] : undefined;

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

/** A tool's answer: its own text, then the status bar after the change. */
export const withStatusBar = (db: PyDict, text: string) => `${text}\nStatus Bar: ${statusBar(db)}`;

/** `_check_sim_status`: a missing SIM wins over the card's own status. */
export const simStatus = (db: PyDict): PyValue =>
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

// A toggle of a device flag; `search` when tau2's toggle triggers a network search.
function toggleFlag(db: PyDict, field: string, search: boolean): boolean {
  const next = !truthy(device(db)[field]);
  device(db)[field] = next;
  if (search) simulateNetworkSearch(db);
  return next;
}

/** `_disconnect_vpn`: false when no VPN was connected. */
export function disconnectVpn(db: PyDict): boolean {
  const d = device(db);
  if (!truthy(d['vpn_connected'])) return false;
  d['vpn_connected'] = false;
  d['vpn_details'] = null;
  return true;
}

/** Drops the Wi-Fi connection (airplane mode, Wi-Fi off). */
export function clearWifi(d: PyDict): void {
  d['wifi_connected'] = false;
  d['wifi_ssid'] = null;
  d['wifi_signal_strength'] = 'none';
}

/** `_toggle_airplane_mode`: on drops Wi-Fi and the VPN; off searches again. Returns the new state. */
export function toggleAirplaneMode(db: PyDict): boolean {
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

/** `turn_x_on/off`: toggle, and toggle back when the first toggle went the wrong way. */
export const turn = (toggle: (db: PyDict) => boolean, on: boolean) => (db: PyDict) => {
  if (toggle(db) !== on) toggle(db);
};

/** `_toggle_data` (searches the network). */
export const toggleData = (db: PyDict) => toggleFlag(db, 'data_enabled', true);
/** `_toggle_roaming` (searches the network). */
export const toggleRoaming = (db: PyDict) => toggleFlag(db, 'roaming_enabled', true);
/** `_toggle_data_saver_mode` (no network search). */
export const toggleDataSaver = (db: PyDict) => toggleFlag(db, 'data_saver_mode', false);
/** `_toggle_wifi_calling` (no network search). */
export const toggleWifiCalling = (db: PyDict) => toggleFlag(db, 'wifi_calling_enabled', false);

/** `connect_vpn` (a tool, also called by `break_vpn`): connects with the shared default details. */
export function connectVpn(db: PyDict): string {
  const d = device(db);
  if (truthy(d['vpn_connected'])) return 'VPN already connected.';
  d['vpn_connected'] = true;
  d['vpn_details'] = DEFAULT_VPN_DETAILS;
  return withStatusBar(db, 'VPN connected successfully.');
}

/** The app's status, or undefined when `app_statuses.get(app_name)` finds nothing. */
export function appStatus(db: PyDict, app: PyValue): PyDict | undefined {
  const status = dictGet(attr<PyDict>(device(db), 'app_statuses'), app);
  return truthy(status) ? (status as PyDict) : undefined;
}

/** Names of the granted permissions, as `name.replace("_", " ").lower()`. */
export const grantedPermissions = (status: PyDict): string[] =>
  Object.entries(modelDump(attr(status, 'permissions')) as PyDict)
    .filter(([, allowed]) => truthy(allowed))
    .map(([name]) => name.replaceAll('_', ' ').toLowerCase());

/** `surroundings.payment_request`, or null. */
export const paymentRequest = (db: PyDict): PyDict | null =>
  (surroundings(db)['payment_request'] ?? null) as PyDict | null;
