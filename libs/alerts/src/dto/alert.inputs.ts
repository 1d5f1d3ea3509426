import { Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';

@InputType()
export class AlertFiltersInput {
  @Field(() => [String], { nullable: true, description: 'Every keyword must appear in the title, skills or description.' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true })
  keywords?: string[];

  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(120) location?: string | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() remote?: boolean | null;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() minSalary?: number | null;
}

@InputType()
export class SubscribeAlertsInput {
  @Field(() => ID) @IsString() candidateId!: string;
  @Field({ description: 'email | webhook' }) @IsIn(['email', 'webhook']) channel!: 'email' | 'webhook';
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(320) email?: string | null;
  @Field(() => String, { nullable: true, description: 'https:// endpoint (http://localhost only in development).' }) @IsOptional() @IsString() @MaxLength(2000) webhookUrl?: string | null;
  @Field(() => String, { nullable: true, description: 'Your own whsec_… secret; default: generated and returned once.' }) @IsOptional() @IsString() @MaxLength(200) webhookSecret?: string | null;
  @Field({ description: 'instant | daily | weekly' }) @IsString() frequency!: 'instant' | 'daily' | 'weekly';
  @Field(() => Int, { nullable: true, description: 'Local hour 0–23 (default 9).' }) @IsOptional() @IsInt() sendHour?: number | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() sendWeekday?: number | null;
  @Field({ description: 'IANA time zone, e.g. Europe/Berlin.' }) @IsString() @MaxLength(64) timeZone!: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() quietStart?: number | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() quietEnd?: number | null;
  @Field(() => AlertFiltersInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => AlertFiltersInput) filters?: AlertFiltersInput | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) modelRef?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() topK?: number | null;
}

@InputType()
export class UpdateAlertSubscriptionInput {
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(320) email?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) webhookUrl?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() frequency?: 'instant' | 'daily' | 'weekly';
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() sendHour?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() sendWeekday?: number | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(64) timeZone?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() quietStart?: number | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() quietEnd?: number | null;
  @Field(() => AlertFiltersInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => AlertFiltersInput) filters?: AlertFiltersInput | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) modelRef?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() topK?: number;
  @Field(() => String, { nullable: true, description: 'active (resume) | paused' }) @IsOptional() @IsIn(['active', 'paused']) status?: 'active' | 'paused';
}

@InputType()
export class AlertDeliveryFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() subscriptionId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() candidateId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() status?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() channel?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() limit?: number;
}
