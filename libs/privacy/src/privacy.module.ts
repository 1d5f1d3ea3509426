import { Module } from '@nestjs/common';
import { ErasureService } from './erasure.service.js';
import { PrivacyResolver } from './privacy.resolver.js';

/** Erasure and export without resolvers (worker, CLI). */
@Module({ providers: [ErasureService], exports: [ErasureService] })
export class PrivacyCoreModule {}

/** With the GraphQL resolvers (deleteCandidate, exportCandidateData, auditLog). */
@Module({ imports: [PrivacyCoreModule], providers: [PrivacyResolver], exports: [PrivacyCoreModule] })
export class PrivacyModule {}
