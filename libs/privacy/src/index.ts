export { PrivacyModule, PrivacyCoreModule } from './privacy.module.js';
export { ErasureService, erasureRefHash, type ErasureResult } from './erasure.service.js';
export { PrivacyError, type PrivacyErrorCode } from './privacy.errors.js';
export { PiiKeyRing, PiiCipher, PiiError, parseKeyList, generateKey, type KeyEncryptionKey } from '@app/pii';
export { PiiMaintenanceService, type PiiKeyStatus, type PiiProgress } from './pii-maintenance.service.js';
