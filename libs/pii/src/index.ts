export { PiiKeyRing, parseKeyList, generateKey, type KeyEncryptionKey } from './envelope.js';
export { PiiCipher, piiContext, PII_ENVELOPE_COLUMNS } from './pii-cipher.js';
export { PiiError, type PiiErrorCode } from './pii.errors.js';
