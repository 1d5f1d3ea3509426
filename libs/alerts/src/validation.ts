import { checkWebhookUrl, isPrivateAddress } from '@app/webhooks';
import { AlertError } from './alerts.errors.js';
import type { AlertFilters } from './compose.js';
import { isValidTimeZone, type Frequency } from './schedule.js';

export interface SubscriptionInput {
  candidateId: string;
  channel: 'email' | 'webhook';
  email?: string | null;
  webhookUrl?: string | null;
  webhookSecret?: string | null;
  frequency: Frequency;
  sendHour?: number | null;
  sendWeekday?: number | null;
  timeZone: string;
  quietStart?: number | null;
  quietEnd?: number | null;
  filters?: AlertFilters | null;
  modelRef?: string | null;
  topK?: number | null;
}

export interface ValidSubscription {
  candidateId: string;
  channel: 'email' | 'webhook';
  email: string | null;
  webhookUrl: string | null;
  frequency: Frequency;
  sendHour: number;
  sendWeekday: number | null;
  timeZone: string;
  quietStart: number | null;
  quietEnd: number | null;
  filters: AlertFilters;
  modelRef: string | null;
  topK: number;
}

/** A practical address check (RFC 5321 lengths, one @, a dotted domain, no spaces or angle brackets). */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isValidEmail(email: string): boolean {
  if (email.length > 254 || !EMAIL.test(email)) return false;
  const local = email.slice(0, email.lastIndexOf('@'));
  return local.length <= 64 && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
}

const hour = (name: string, code: 'INVALID_SEND_HOUR' | 'INVALID_INPUT', v: number | null | undefined): number | null => {
  if (v === null || v === undefined) return null;
  if (!Number.isInteger(v) || v < 0 || v > 23) throw new AlertError(code, `${name} must be an integer hour 0–23, got ${v}`);
  return v;
};

/**
 * Checks a webhook endpoint: https only, except http://localhost (and loopback literals) outside production;
 * in production no private/loopback literal (the address the host resolves to is checked by `resolvesPrivate`
 * here and again by the socket at delivery time).
 */
export async function checkAlertWebhookUrl(raw: string, opts: { production: boolean; allowPrivate: boolean; resolve?: (host: string) => Promise<string[]> }): Promise<string> {
  const basic = checkWebhookUrl(raw.trim(), !opts.production || opts.allowPrivate);
  if (!basic.ok) throw new AlertError(basic.reason.includes('private') ? 'PRIVATE_ADDRESS' : 'INVALID_WEBHOOK_URL', basic.reason);
  const url = basic.url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const local = host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '::1';
  if (url.protocol !== 'https:' && !(local && !opts.production)) {
    throw new AlertError('INVALID_WEBHOOK_URL', `webhook URL must use https (http is allowed only for localhost in development), got ${url.protocol.replace(/:$/, '')}://${host}`);
  }
  if (opts.production && !opts.allowPrivate && opts.resolve) {
    let addresses: string[];
    try {
      addresses = await opts.resolve(host);
    } catch (err) {
      throw new AlertError('INVALID_WEBHOOK_URL', `webhook host ${host} does not resolve: ${(err as Error).message}`);
    }
    const bad = addresses.find((a) => isPrivateAddress(a));
    if (bad) throw new AlertError('PRIVATE_ADDRESS', `webhook host ${host} resolves to a private or loopback address (${bad})`);
  }
  return url.toString();
}

/** Validates and normalises a whole subscription before anything is written (nothing is half-created). */
export function validateSubscription(input: SubscriptionInput): ValidSubscription {
  if (!/^\d{1,18}$/.test(String(input.candidateId ?? ''))) throw new AlertError('INVALID_INPUT', `candidateId must be a numeric id, got "${input.candidateId}"`);
  if (input.channel !== 'email' && input.channel !== 'webhook') throw new AlertError('INVALID_INPUT', `channel must be email or webhook, got "${input.channel}"`);
  if (!['instant', 'daily', 'weekly'].includes(input.frequency)) throw new AlertError('INVALID_INPUT', `frequency must be instant, daily or weekly, got "${input.frequency}"`);
  if (!isValidTimeZone(input.timeZone)) throw new AlertError('UNKNOWN_TIME_ZONE', `unknown time zone "${input.timeZone}" (use an IANA name such as Europe/Berlin)`);
  const sendHour = hour('sendHour', 'INVALID_SEND_HOUR', input.sendHour ?? 9)!;
  const quietStart = hour('quietStart', 'INVALID_INPUT', input.quietStart);
  const quietEnd = hour('quietEnd', 'INVALID_INPUT', input.quietEnd);
  if ((quietStart === null) !== (quietEnd === null)) throw new AlertError('INVALID_INPUT', 'quietStart and quietEnd go together');
  const sendWeekday = input.sendWeekday ?? (input.frequency === 'weekly' ? 1 : null);
  if (sendWeekday !== null && (!Number.isInteger(sendWeekday) || sendWeekday < 1 || sendWeekday > 7)) throw new AlertError('INVALID_INPUT', `sendWeekday must be 1 (Monday) … 7 (Sunday), got ${sendWeekday}`);
  const topK = input.topK ?? 10;
  if (!Number.isInteger(topK) || topK < 1 || topK > 50) throw new AlertError('INVALID_INPUT', `topK must be an integer 1–50, got ${topK}`);
  let email: string | null = null;
  if (input.channel === 'email') {
    email = (input.email ?? '').trim().toLowerCase();
    if (!isValidEmail(email)) throw new AlertError('INVALID_EMAIL', `"${input.email ?? ''}" is not a valid email address`);
  } else if (!input.webhookUrl) {
    throw new AlertError('INVALID_WEBHOOK_URL', 'a webhook subscription needs webhookUrl');
  }
  const f = input.filters ?? {};
  const keywords = (f.keywords ?? []).map((k) => String(k).trim()).filter(Boolean);
  if (keywords.length > 20 || keywords.some((k) => k.length > 100)) throw new AlertError('INVALID_INPUT', 'filters.keywords: at most 20 keywords of at most 100 characters');
  if (f.minSalary !== null && f.minSalary !== undefined && (!Number.isFinite(f.minSalary) || f.minSalary < 0)) throw new AlertError('INVALID_INPUT', `filters.minSalary must be a non-negative number, got ${f.minSalary}`);
  if (f.location && f.location.length > 120) throw new AlertError('INVALID_INPUT', 'filters.location is longer than 120 characters');
  const filters: AlertFilters = {
    ...(keywords.length ? { keywords } : {}),
    ...(f.location ? { location: f.location.trim() } : {}),
    ...(f.remote !== null && f.remote !== undefined ? { remote: f.remote } : {}),
    ...(f.minSalary !== null && f.minSalary !== undefined ? { minSalary: f.minSalary } : {}),
  };
  const modelRef = input.modelRef?.trim() || null;
  if (modelRef && !/^[^@/\s]+(@[^@/\s]+|\/\d+)$/.test(modelRef)) throw new AlertError('INVALID_INPUT', `modelRef "${modelRef}" must look like name@alias or name/<version>`);
  return { candidateId: String(input.candidateId), channel: input.channel, email, webhookUrl: input.webhookUrl ?? null, frequency: input.frequency, sendHour, sendWeekday: input.frequency === 'weekly' ? sendWeekday : null, timeZone: input.timeZone, quietStart, quietEnd, filters, modelRef, topK };
}
