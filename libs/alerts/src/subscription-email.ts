import { PiiCipher, piiContext } from '@app/pii';
import type { AlertSubscriptionEntity } from './alert.entity.js';

type Stored = Pick<AlertSubscriptionEntity, 'id' | 'emailEnc' | 'legacyEmail'>;

/** The subscription's address: the envelope decrypted, else the legacy plaintext of a row not yet encrypted. */
export function revealSubscriptionEmail(pii: PiiCipher, s: Stored): string | null {
  return pii.reveal(s.emailEnc, s.legacyEmail, piiContext.subscriptionEmail(s.id));
}

/** Fills the entity's `email` with the decrypted address (for callers that need it: the alert API, the unsubscribe page). */
export function withSubscriptionEmail(pii: PiiCipher, s: AlertSubscriptionEntity): AlertSubscriptionEntity {
  s.email = revealSubscriptionEmail(pii, s);
  return s;
}

/** Whether the subscription has an address stored (encrypted or legacy), without decrypting it. */
export function hasSubscriptionEmail(s: Stored): boolean {
  return s.emailEnc !== null || s.legacyEmail !== null;
}

/**
 * An SMTP server's error text may quote the recipient ("550 5.1.1 <bob@example.org>: user unknown"): the address is
 * replaced before the text is stored (attempt log, last_error, suppression detail).
 */
export function redactAddress(text: string, address: string | null | undefined): string {
  if (!address) return text;
  const escaped = address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(escaped, 'gi'), '<recipient>');
}
