import { Module } from '@nestjs/common';
import { FairnessAuditService } from './fairness-audit.service.js';
import { FairnessResolver } from './fairness.resolver.js';
import { ProtectedAttributesService } from './protected-attributes.service.js';

/** Audits and the protected-attribute store (API, worker, CLI). */
@Module({ providers: [FairnessAuditService, ProtectedAttributesService], exports: [FairnessAuditService, ProtectedAttributesService] })
export class FairnessCoreModule {}

@Module({ imports: [FairnessCoreModule], providers: [FairnessResolver], exports: [FairnessCoreModule] })
export class FairnessModule {}
