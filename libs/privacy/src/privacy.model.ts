import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { PageArgs, Paginated } from '@app/pagination';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

@ObjectType('AuditEntry')
export class AuditEntryModel {
  @Field(() => ID) id!: string;
  @Field({ description: 'Who: a user (email), an API key (`key <prefix> (<name>)`), `cli:<os user>` or `system`.' }) actor!: string;
  @Field({ description: 'model.promote | model.rollback | candidate.delete | candidate.export | api_key.create | api_key.revoke | user.create | pii.read | pii.rotate_keys' }) action!: string;
  @Field({ description: 'What: `candidate:<id>`, `erasure:<id>` (an erased candidate), `model:<name>/<alias>`, `api_key:<prefix>`, `user:<id>`, `pii_keys`.' }) subject!: string;
  @Field({ description: 'Details as JSON (counts, versions, reasons; never personal data).' }) detail!: string;
  @Field() at!: Date;
}

export const AuditPage = Paginated(AuditEntryModel, 'AuditPage');

@InputType()
export class AuditFilterInput {
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(60) action?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(320) actor?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(200) subject?: string;
  @Field({ nullable: true }) @IsOptional() @IsDate() since?: Date;
  @Field({ nullable: true }) @IsOptional() @IsDate() until?: Date;
}

@ArgsType()
export class AuditLogArgs extends PageArgs {
  @Field(() => AuditFilterInput, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => AuditFilterInput)
  filter?: AuditFilterInput;
}

@ObjectType('RemovedRows')
export class RemovedRowsModel {
  @Field({ description: 'A table, or `redis_keys`.' }) table!: string;
  @Field(() => Int) rows!: number;
}

@ObjectType('CandidateErasure')
export class CandidateErasureModel {
  @Field(() => ID, { description: 'The tombstone (candidate_erasures) id; audit entries about the candidate now name `erasure:<id>`.' }) erasureId!: string;
  @Field(() => [RemovedRowsModel]) removed!: RemovedRowsModel[];
}
