export { PrivacyModule, PrivacyCoreModule } from './privacy.module.js';
export { ErasureService, erasureRefHash, type ErasureResult } from './erasure.service.js';
export { PrivacyError, type PrivacyErrorCode } from './privacy.errors.js';
export { PiiKeyRing, PiiCipher, PiiError, parseKeyList, generateKey, type KeyEncryptionKey } from '@app/pii';
export { PiiMaintenanceService, totalRows, type PiiKeyStatus, type PiiProgress, type PiiRowCounts } from './pii-maintenance.service.js';
