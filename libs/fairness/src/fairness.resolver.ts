import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequirePermission, type Principal } from '@app/auth';
import { auditToCsv, auditToJson, type FairnessAuditReport } from './export.js';
import { FairnessAuditService } from './fairness-audit.service.js';
import { FairnessAuditModel, FairnessExportFormat, ProtectedAttributeInput, RunFairnessAuditInput } from './fairness.model.js';
import { ProtectedAttributesService } from './protected-attributes.service.js';

export function toFairnessAuditModel(r: FairnessAuditReport): FairnessAuditModel {
  return {
    id: r.id, attribute: r.attribute, trigger: r.trigger, windowFrom: new Date(r.windowFrom), windowTo: new Date(r.windowTo), createdAt: new Date(r.createdAt), createdBy: r.createdBy,
    referenceGroup: r.result.referenceGroup, flagged: r.result.flagged, config: { ...r.result.config, referenceGroup: r.result.config.referenceGroup ?? null }, groups: r.result.groups,
  };
}

@Resolver(() => FairnessAuditModel)
export class FairnessResolver {
  constructor(
    @Inject(FairnessAuditService) private readonly audits: FairnessAuditService,
    @Inject(ProtectedAttributesService) private readonly attributes: ProtectedAttributesService,
  ) {}

  @RequirePermission('evaluations:read')
  @Query(() => [FairnessAuditModel], { description: 'Stored fairness audits, newest first.' })
  async fairnessAudits(
    @Args('attribute', { type: () => String, nullable: true }) attribute?: string,
    @Args('limit', { type: () => Int, defaultValue: 20 }) limit?: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset?: number,
  ): Promise<FairnessAuditModel[]> {
    return (await this.audits.list({ attribute, limit, offset })).map(toFairnessAuditModel);
  }

  @RequirePermission('evaluations:read')
  @Query(() => FairnessAuditModel)
  async fairnessAudit(@Args('id', { type: () => ID }) id: string): Promise<FairnessAuditModel> {
    return toFairnessAuditModel(await this.audits.get(id));
  }

  @RequirePermission('evaluations:read')
  @Query(() => String, { description: 'A stored audit as CSV (one line per group and metric) or JSON.' })
  async fairnessAuditExport(@Args('id', { type: () => ID }) id: string, @Args('format', { type: () => FairnessExportFormat, defaultValue: FairnessExportFormat.CSV }) format: FairnessExportFormat): Promise<string> {
    const r = await this.audits.get(id);
    return format === FairnessExportFormat.JSON ? auditToJson([r]) : auditToCsv([r]);
  }

  @RequirePermission('evaluations:run')
  @Mutation(() => FairnessAuditModel, { description: 'Run a fairness audit now over logged impressions, clicks and applies; stored like the scheduled ones.' })
  async runFairnessAudit(@Args('input') input: RunFairnessAuditInput, @CurrentPrincipal() who: Principal): Promise<FairnessAuditModel> {
    const { attribute, from, to, ...config } = input;
    return toFairnessAuditModel(await this.audits.run({ attribute, from: from ?? null, to: to ?? null, config, trigger: 'manual', createdBy: who.label }));
  }

  @RequirePermission('users:manage')
  @Mutation(() => Int, { description: 'Store protected attributes (admin only), each with the candidate\'s consent time; one record without consent refuses the whole batch (CONSENT_REQUIRED). Used only by fairness audits.' })
  async recordProtectedAttributes(@Args('records', { type: () => [ProtectedAttributeInput] }) records: ProtectedAttributeInput[]): Promise<number> {
    return this.attributes.record(records);
  }

  @RequirePermission('users:manage')
  @Mutation(() => Int, { description: "Consent withdrawn: delete a candidate's protected attributes (one, or all)." })
  async withdrawProtectedAttributes(@Args('candidateId', { type: () => ID }) candidateId: string, @Args('attribute', { type: () => String, nullable: true }) attribute?: string): Promise<number> {
    return this.attributes.withdraw(candidateId, attribute ?? null);
  }
}
