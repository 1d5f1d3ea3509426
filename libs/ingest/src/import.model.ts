import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Paginated } from '@app/pagination';

export enum ImportKindEnum {
  jobs = 'jobs',
  candidates = 'candidates',
  resumes = 'resumes',
  interactions = 'interactions',
}
registerEnumType(ImportKindEnum, { name: 'ImportKind' });

@ObjectType('ImportRejection')
export class ImportRejectionModel {
  @Field(() => Int, { description: 'Line in the file (or index + 1 in a GraphQL batch).' }) line!: number;
  @Field(() => String, { nullable: true }) field!: string | null;
  @Field() reason!: string;
}

@ObjectType('ImportRun')
export class ImportRunModel {
  @Field(() => ID) id!: string;
  @Field(() => ImportKindEnum) kind!: ImportKindEnum;
  @Field() sourceName!: string;
  @Field() format!: string;
  @Field() strict!: boolean;
  @Field({ description: 'running, completed, rejected (strict with bad rows) or failed' }) status!: string;
  @Field(() => Int) totalRows!: number;
  @Field(() => Int) inserted!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => Int) duplicates!: number;
  @Field(() => Int) rejected!: number;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field() startedAt!: Date;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => [ImportRejectionModel]) rejections!: ImportRejectionModel[];
}

export const ImportRunPage = Paginated(ImportRunModel, 'ImportRunPage');
