import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Paginated } from '@app/pagination';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

@ObjectType('JobSource')
export class JobSourceModel {
  @Field(() => ID) id!: string;
  @Field({ description: 'Unique name; also the `source` of the jobs it writes.' }) name!: string;
  @Field({ description: 'career_pages, xml_feed, greenhouse, lever or json_feed' }) type!: string;
  @Field(() => String, { nullable: true, description: 'Feed URL, or the sitemap of career pages.' }) url!: string | null;
  @Field(() => String, { nullable: true, description: 'A local feed file (CLI / worker host).' }) file!: string | null;
  @Field(() => [String]) startUrls!: string[];
  @Field(() => String, { nullable: true, description: 'Interval (30m, 6h, 1d) or 5-field cron (UTC); null = manual only.' }) schedule!: string | null;
  @Field({ description: 'Field mapping as JSON: job field → path in the source record.' }) mapping!: string;
  @Field(() => String, { nullable: true }) owner!: string | null;
  @Field() enabled!: boolean;
  @Field(() => Date, { nullable: true }) lastRunAt!: Date | null;
  @Field() createdAt!: Date;
}

@ObjectType('SourceRunRejection')
export class SourceRunRejectionModel {
  @Field(() => Int, { description: 'Record number in the source (XML: line of the <job>).' }) line!: number;
  @Field(() => String, { nullable: true }) field!: string | null;
  @Field() reason!: string;
}

@ObjectType('SourceRunSkip')
export class SourceRunSkipModel {
  @Field() url!: string;
  @Field() reason!: string;
}

@ObjectType('SourceRun')
export class SourceRunModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) sourceId!: string;
  @Field(() => String, { nullable: true }) sourceName?: string;
  @Field() trigger!: string;
  @Field({ description: 'queued, running, completed, not_modified (304) or failed' }) status!: string;
  @Field(() => Int, { description: 'Records handled so far.' }) progress!: number;
  @Field(() => Int) fetched!: number;
  @Field(() => Int) new!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => Int) duplicates!: number;
  @Field(() => Int) expired!: number;
  @Field(() => Int) rejected!: number;
  @Field(() => [SourceRunRejectionModel]) rejections!: SourceRunRejectionModel[];
  @Field(() => [SourceRunSkipModel], { description: 'Pages not read (robots.txt, HTTP errors, timeouts).' }) skipped!: SourceRunSkipModel[];
  @Field(() => ID, { nullable: true }) importRunId!: string | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field() queuedAt!: Date;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => Int, { nullable: true }) durationMs!: number | null;
}

export const JobSourcePage = Paginated(JobSourceModel, 'JobSourcePage');
export const SourceRunPage = Paginated(SourceRunModel, 'SourceRunPage');

@InputType()
export class AddSourceInput {
  @Field() @IsString() @MaxLength(100) name!: string;
  @Field({ description: 'career_pages, xml_feed, greenhouse, lever or json_feed' }) @IsString() @MaxLength(20) type!: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(2000) url?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(1000) file?: string;
  @Field(() => [String], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) startUrls?: string[];
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(100) schedule?: string;
  @Field({ nullable: true, description: 'JSON object: job field → path (or list of paths, or {"const": value}).' }) @IsOptional() @IsString() @MaxLength(20000) mapping?: string;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}
