import { Module } from '@nestjs/common';
import { ErasureService } from './erasure.service.js';
import { PiiMaintenanceService } from './pii-maintenance.service.js';
import { PrivacyResolver } from './privacy.resolver.js';

/** Erasure, export and PII maintenance (encrypt-existing, key rotation) without resolvers (worker, CLI). */
@Module({ providers: [ErasureService, PiiMaintenanceService], exports: [ErasureService, PiiMaintenanceService] })
export class PrivacyCoreModule {}

/** With the GraphQL resolvers (deleteCandidate, exportCandidateData, auditLog). */
@Module({ imports: [PrivacyCoreModule], providers: [PrivacyResolver], exports: [PrivacyCoreModule] })
export class PrivacyModule {}
