/** Alert rules made through the API, alert states and history, silences, notification deliveries. */

/** Severity of a rule. */
export type Severity = 'critical' | 'warning' | 'info';

/** A rule as stored (rules from the config file are not stored; they are rebuilt at start). */
export interface StoredRule {
  name: string;
  /** The rule's definition, as validated JSON (see alerts/rules.ts). */
  definition: Record<string, unknown>;
  created_at: string;
  created_by: string | null;
}

/** The state of one alert: a rule firing (or about to) for one label set. */
export interface AlertRecord {
  /** Stable id: hash of rule name and labels. */
  fingerprint: string;
  rule: string;
  state: 'pending' | 'firing' | 'resolved';
  severity: Severity;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: number | null;
  started_at: string;
  fired_at: string | null;
  resolved_at: string | null;
  last_notified_at: string | null;
  updated_at: string;
}

/** A label matcher of a silence: `=`, `!=`, `=~` (regex), `!~`. */
export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** A silence: alerts matching every matcher are not notified until it ends. */
export interface SilenceRecord {
  id: string;
  matchers: Matcher[];
  starts_at: string;
  ends_at: string;
  comment: string;
  created_by: string | null;
  created_at: string;
  expired_at: string | null;
}

/** One attempt (or final outcome) of sending a notification. */
export interface DeliveryRecord {
  id?: number;
  channel: string;
  /** Fingerprints of the alerts in the notification (a group). */
  alerts: string[];
  kind: 'firing' | 'resolved' | 'test';
  status: 'sent' | 'failed' | 'retrying';
  attempt: number;
  error: string | null;
  at: string;
}

/** Filter for history and deliveries, newest first. */
export interface AlertQuery {
  rule?: string;
  state?: AlertRecord['state'];
  since?: string;
  limit?: number;
}

/** Alert state, history, silences, deliveries, API rules. */
export interface AlertRepo {
  /** Inserts or replaces the current state of one alert, and appends it to the history. */
  saveAlert(alert: AlertRecord): Promise<void>;
  /** Alerts not resolved. */
  active(): Promise<AlertRecord[]>;
  /** Every state change, newest first. */
  history(query: AlertQuery): Promise<AlertRecord[]>;
  createSilence(silence: SilenceRecord): Promise<void>;
  silences(includeExpired: boolean): Promise<SilenceRecord[]>;
  expireSilence(id: string, at: string): Promise<boolean>;
  appendDelivery(delivery: DeliveryRecord): Promise<number>;
  deliveries(query: { channel?: string; limit?: number }): Promise<DeliveryRecord[]>;
  saveRule(rule: StoredRule): Promise<void>;
  rules(): Promise<StoredRule[]>;
  removeRule(name: string): Promise<boolean>;
}
