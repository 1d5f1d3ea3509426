import { Inject } from '@nestjs/common';
import { Args, ArgsType, Field, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { RequirePermission } from '@app/auth';
import { PageArgs, type Page } from '@app/pagination';
import { IsEnum, IsOptional } from 'class-validator';
import { IngestError } from './ingest.errors.js';
import { ImportKindEnum, ImportRunModel, ImportRunPage } from './import.model.js';
import { ImportService, MAX_GRAPHQL_ROWS, type ImportRunResult } from './import.service.js';

@ArgsType()
class ImportRunsArgs extends PageArgs {
  @Field(() => ImportKindEnum, { nullable: true })
  @IsOptional()
  @IsEnum(ImportKindEnum)
  kind?: ImportKindEnum;
}

const toModel = (r: ImportRunResult): ImportRunModel => ({ ...r, kind: r.kind as ImportKindEnum, rejections: r.rejections.map(({ line, field, reason }) => ({ line, field, reason })) });

@Resolver(() => ImportRunModel)
export class ImportResolver {
  constructor(@Inject(ImportService) private readonly imports: ImportService) {}

  @RequirePermission('imports:write')
  @Mutation(() => ImportRunModel, { description: `Validate and import a small batch (at most ${MAX_GRAPHQL_ROWS} rows, given as a JSON array string). Bad rows are reported with line = index + 1.` })
  async importRows(
    @Args('kind', { type: () => ImportKindEnum }) kind: ImportKindEnum,
    @Args('rows', { description: 'A JSON array of row objects (fields as in the ingest README).' }) rows: string,
    @Args('source', { nullable: true, type: () => String }) source?: string | null,
    @Args('strict', { nullable: true, type: () => Boolean }) strict?: boolean | null,
  ): Promise<ImportRunModel> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rows);
    } catch (err) {
      throw new IngestError('INVALID_INPUT', `rows is not valid JSON: ${(err as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new IngestError('INVALID_INPUT', 'rows must be a JSON array of objects');
    return toModel(await this.imports.importBatch(kind, parsed, { source: source ?? undefined, strict: strict ?? false }));
  }

  @RequirePermission('imports:read')
  @Query(() => ImportRunPage, { description: 'Import runs, newest first.' })
  async importRuns(@Args() args: ImportRunsArgs): Promise<Page<ImportRunModel>> {
    const page = await this.imports.listRuns(args);
    return { items: page.items.map(toModel), totalCount: page.totalCount };
  }

  @RequirePermission('imports:read')
  @Query(() => ImportRunModel, { description: 'One import run with its rejected rows.' })
  async importRun(@Args('id', { type: () => ID }) id: string): Promise<ImportRunModel> {
    return toModel(await this.imports.getRun(id));
  }
}
