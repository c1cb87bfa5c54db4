/**
 * tau2's simulated phone and the user's surroundings (domains/telecom/user_data_model.py). Every model is a
 * `BaseModelNoExtra`; enums are stored as their values.
 */
import type { PyValue } from '../../../util/pyjson.js';
import { defineModel, type FieldType, t, validateModel } from '../env/model.js';
import type { PyDict } from '../env/python.js';

const opt = (type: FieldType, value: PyValue = null) => ({ type: t.optional(type), default: () => value });
const flag = (value: boolean, description?: string) => ({
  type: t.bool,
  default: () => value,
  ...(description === undefined ? {} : { description }),
});

/** `SimStatus`. */
export const SimStatus = t.enum('SimStatus', 'active', 'missing', 'locked_pin', 'locked_puk');
/** `NetworkTechnology`. */
export const NetworkTechnology = t.enum('NetworkTechnology', 'none', '2G', '3G', '4G', '5G');
/** `NetworkModePreference`, its values in class order (the order of the "use one of" hint). */
export const NETWORK_MODES = ['4g_5g_preferred', '4g_only', '3g_only', '2g_only'] as const;
/** `NetworkModePreference`. */
export const NetworkModePreference = t.enum('NetworkModePreference', ...NETWORK_MODES);
/** `SignalStrength`. */
export const SignalStrength = t.enum('SignalStrength', 'none', 'poor', 'fair', 'good', 'excellent');
/** `PerformanceLevel`. */
export const PerformanceLevel = t.enum('PerformanceLevel', 'unknown', 'poor', 'fair', 'good', 'excellent');
/** `NetworkStatus`. */
export const NetworkStatus = t.enum(
  'NetworkStatus',
  'connected',
  'searching',
  'no_service',
  'emergency_only',
);
/** `APNNames`. */
export const APNNames = t.enum('APNNames', 'internet', 'broken');

/** `APNSettings`: the one model a tool takes as an argument, hence its descriptions (for the schema). */
export const APNSettings = defineModel(
  'APNSettings',
  {
    apn_name: {
      type: APNNames,
      default: () => 'internet',
      description: 'The name identifier for the APN connection.',
    },
    reset_at_reboot: flag(false, 'Whether the APN settings will be reset at the next reboot.'),
    mms_apn: {
      ...opt(t.str, 'mms'),
      description: 'Specific APN name used for MMS traffic, if different from general data.',
    },
    mmsc_url: {
      ...opt(t.str, 'http://mms.carrier.com/mms/wapenc'),
      description: 'The URL of the Multimedia Messaging Service Center (MMSC). Crucial for MMS.',
    },
    mms_proxy: {
      ...opt(t.str),
      description: 'The proxy server address required for MMS traffic on some networks.',
    },
    mms_port: {
      ...opt(t.int),
      description: 'The proxy server port required for MMS traffic on some networks.',
    },
  },
  'forbid',
  'Represents the configuration for a single Access Point Name (APN).',
);

/** `VpnDetails`. */
export const VpnDetails = defineModel(
  'VpnDetails',
  {
    server_address: opt(t.str),
    protocol: opt(t.str),
    server_performance: { type: PerformanceLevel, default: () => 'unknown' },
  },
  'forbid',
);

/** `AppPermissions`. */
export const AppPermissions = defineModel(
  'AppPermissions',
  { sms: flag(false), storage: flag(false), phone: flag(false), network: flag(false) },
  'forbid',
);

/** `AppStatus`. */
export const AppStatus = defineModel(
  'AppStatus',
  {
    app_name: t.str,
    permissions: {
      type: t.model(AppPermissions),
      default: () => validateModel(AppPermissions, {}),
      defaultFactory: true,
    },
  },
  'forbid',
);

/** `MockPhoneAttributes`: the phone's state. */
export const MockPhoneAttributes = defineModel(
  'MockPhoneAttributes',
  {
    sim_card_status: { type: SimStatus, default: () => 'active' },
    sim_card_missing: flag(false),
    airplane_mode: flag(false),
    network_signal_strength: { type: SignalStrength, default: () => 'good' },
    network_technology_connected: { type: NetworkTechnology, default: () => '5G' },
    network_connection_status: { type: NetworkStatus, default: () => 'connected' },
    battery_level: { type: t.int, default: () => 80n },
    data_enabled: flag(true),
    roaming_enabled: flag(false),
    network_mode_preference: { type: NetworkModePreference, default: () => '4g_5g_preferred' },
    active_apn_settings: {
      type: t.model(APNSettings),
      default: () => validateModel(APNSettings, {}),
      defaultFactory: true,
    },
    wifi_enabled: flag(false),
    wifi_connected: flag(false),
    wifi_ssid: opt(t.str),
    wifi_signal_strength: { type: SignalStrength, default: () => 'none' },
    wifi_calling_enabled: flag(false),
    wifi_calling_mms_over_wifi: flag(false),
    data_saver_mode: flag(false),
    vpn_enabled_setting: flag(false),
    vpn_connected: flag(false),
    vpn_details: opt(t.model(VpnDetails)),
    app_statuses: {
      type: t.dict(t.model(AppStatus)),
      default: (): PyDict => ({
        messaging: validateModel(AppStatus, {
          app_name: 'messaging',
          permissions: { sms: true, storage: true, phone: true },
        }),
        browser: validateModel(AppStatus, {
          app_name: 'browser',
          permissions: { network: true, storage: true },
        }),
      }),
      defaultFactory: true,
    },
  },
  'forbid',
);

/** `PaymentRequest`: a bill the agent asked the user to pay. */
export const PaymentRequest = defineModel(
  'PaymentRequest',
  { bill_id: t.str, amount_due: t.float, paid: flag(false) },
  'forbid',
);

/** `UserSurroundings`: where the user is and what the carrier side allows (kept in step by `sync_tools`). */
export const UserSurroundings = defineModel(
  'UserSurroundings',
  {
    name: opt(t.str),
    phone_number: opt(t.str),
    is_abroad: flag(false),
    roaming_allowed: flag(false),
    signal_strength: {
      type: t.dict(SignalStrength),
      default: (): PyDict => ({ '2G': 'poor', '3G': 'fair', '4G': 'good', '5G': 'excellent' }),
      defaultFactory: true,
    },
    mobile_data_usage_exceeded: flag(false),
    line_active: flag(true),
    payment_request: opt(t.model(PaymentRequest)),
  },
  'forbid',
);

/** The user's DB, `user_db.toml` (`TelecomUserDB`). */
export const TelecomUserDB = defineModel(
  'TelecomUserDB',
  {
    device: {
      type: t.model(MockPhoneAttributes),
      default: () => validateModel(MockPhoneAttributes, {}),
      defaultFactory: true,
    },
    surroundings: {
      type: t.model(UserSurroundings),
      default: () => validateModel(UserSurroundings, {}),
      defaultFactory: true,
    },
  },
  'forbid',
);
