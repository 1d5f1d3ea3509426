import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { Type } from '@nestjs/common';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 500;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Rows to skip (default 0).` })
  @IsOptional()
  @IsInt()
  @Min(0)
  offset?: number;

  @Field(() => Int, { nullable: true, description: `Rows to return (default 50, at most ${MAX_PAGE_SIZE}).` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}

export interface Page<T> {
  items: T[];
  totalCount: number;
}

export function pageBounds(args: PageArgs): { offset: number; limit: number } {
  return { offset: args.offset ?? 0, limit: Math.min(args.limit ?? 50, MAX_PAGE_SIZE) };
}

/** `{ items, totalCount }` object type for a list query. */
export function Paginated<T>(item: Type<T>, name: string): Type<Page<T>> {
  @ObjectType(name)
  class PageType implements Page<T> {
    @Field(() => [item])
    items!: T[];

    @Field(() => Int, { description: 'Rows matching the filter, ignoring offset and limit.' })
    totalCount!: number;
  }
  return PageType;
}
