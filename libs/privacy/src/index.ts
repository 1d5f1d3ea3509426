export { PrivacyModule, PrivacyCoreModule } from './privacy.module.js';
export { ErasureService, erasureRefHash, type ErasureResult } from './erasure.service.js';
export { PrivacyError, type PrivacyErrorCode } from './privacy.errors.js';
export { PiiKeyRing, parseKeyList, generateKey, type KeyEncryptionKey } from './crypto/envelope.js';
