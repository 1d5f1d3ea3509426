import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum FairnessExportFormat {
  CSV = 'csv',
  JSON = 'json',
}
registerEnumType(FairnessExportFormat, { name: 'FairnessExportFormat' });

@ObjectType('FairnessInterval', { description: 'An estimate with its interval (Wilson for rates, Student t for means).' })
export class FairnessIntervalModel {
  @Field(() => Float, { nullable: true }) estimate!: number | null;
  @Field(() => Float, { nullable: true }) low!: number | null;
  @Field(() => Float, { nullable: true }) high!: number | null;
  @Field(() => Int, { description: 'Impressions (rates) or candidates (means) behind it.' }) n!: number;
}

@ObjectType('FairnessDisparity')
export class FairnessDisparityModel {
  @Field({ description: 'exposure, salary, seniority, click_rate or apply_rate.' }) metric!: string;
  @Field(() => Float, { nullable: true, description: "Group's value / the reference group's value." }) ratio!: number | null;
  @Field(() => Float, { nullable: true }) low!: number | null;
  @Field(() => Float, { nullable: true }) high!: number | null;
  @Field({ description: 'Beyond the configured threshold and the interval excludes 1.' }) flagged!: boolean;
}

@ObjectType('FairnessGroup')
export class FairnessGroupModel {
  @Field() group!: string;
  @Field(() => Int) candidates!: number;
  @Field(() => Int) impressions!: number;
  @Field(() => Int) clicks!: number;
  @Field(() => Int) applies!: number;
  @Field(() => Float, { description: 'Share of the audited candidates in this group.' }) populationShare!: number;
  @Field(() => Float, { description: 'Share of all impressions that went to this group.' }) exposureShare!: number;
  @Field(() => FairnessIntervalModel, { description: 'Recommended jobs shown per candidate.' }) exposurePerCandidate!: FairnessIntervalModel;
  @Field(() => FairnessIntervalModel, { description: 'Mean annual salary (midpoint) of the jobs shown.' }) salary!: FairnessIntervalModel;
  @Field(() => FairnessIntervalModel, { description: 'Mean seniority ordinal (intern 0 … executive 5) of the jobs shown.' }) seniority!: FairnessIntervalModel;
  @Field(() => FairnessIntervalModel) clickRate!: FairnessIntervalModel;
  @Field(() => FairnessIntervalModel) applyRate!: FairnessIntervalModel;
  @Field(() => [FairnessDisparityModel], { description: 'Against the reference group (empty for the reference).' }) disparities!: FairnessDisparityModel[];
  @Field() flagged!: boolean;
  @Field({ description: 'Fewer candidates than minCandidates: reported, never flagged.' }) insufficient!: boolean;
}

@ObjectType('FairnessAuditConfig')
export class FairnessAuditConfigModel {
  @Field(() => String, { nullable: true }) referenceGroup!: string | null;
  @Field(() => Float) rateThreshold!: number;
  @Field(() => Float) meanGap!: number;
  @Field(() => Float) alpha!: number;
  @Field(() => Int) minCandidates!: number;
}

@ObjectType('FairnessAudit')
export class FairnessAuditModel {
  @Field(() => ID) id!: string;
  @Field({ description: 'Protected attribute audited (gender, age_band).' }) attribute!: string;
  @Field({ description: 'scheduled or manual.' }) trigger!: string;
  @Field() windowFrom!: Date;
  @Field() windowTo!: Date;
  @Field() createdAt!: Date;
  @Field(() => String, { nullable: true }) createdBy!: string | null;
  @Field(() => String, { nullable: true }) referenceGroup!: string | null;
  @Field(() => Int, { description: 'Flagged (group, metric) pairs.' }) flagged!: number;
  @Field(() => FairnessAuditConfigModel) config!: FairnessAuditConfigModel;
  @Field(() => [FairnessGroupModel]) groups!: FairnessGroupModel[];
}

@InputType()
export class RunFairnessAuditInput {
  @Field({ description: 'gender or age_band.' }) attribute!: string;
  @Field({ nullable: true, description: 'Start of the window (default: MATCHLAB_FAIRNESS_WINDOW_DAYS before `to`).' }) from?: Date;
  @Field({ nullable: true, description: 'End of the window (default: now).' }) to?: Date;
  @Field(() => String, { nullable: true }) referenceGroup?: string;
  @Field(() => Float, { nullable: true }) rateThreshold?: number;
  @Field(() => Float, { nullable: true }) meanGap?: number;
  @Field(() => Int, { nullable: true }) minCandidates?: number;
}

@InputType()
export class ProtectedAttributeInput {
  @Field(() => ID) candidateId!: string;
  @Field({ description: 'gender or age_band.' }) attribute!: string;
  @Field() value!: string;
  @Field({ nullable: true, description: "The candidate's explicit consent to this attribute being kept for fairness audits. Without it the record is refused (CONSENT_REQUIRED)." }) consentAt?: Date;
}
