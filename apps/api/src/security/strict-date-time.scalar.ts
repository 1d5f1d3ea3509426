import { GraphQLISODateTime } from '@nestjs/graphql';
import { GraphQLError, Kind, type ValueNode } from 'graphql';

function toDate(value: unknown): Date {
  if (typeof value !== 'string' && typeof value !== 'number') throw new GraphQLError(`DateTime must be an ISO 8601 string, got ${typeof value}`);
  if (typeof value === 'string' && value.length > 64) throw new GraphQLError('DateTime is longer than 64 characters');
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new GraphQLError(`"${String(value).slice(0, 64)}" is not a valid DateTime`);
  return date;
}

/**
 * Nest's `DateTime` scalar turns any input into `new Date(value)`, so "0000-00-00" reached resolvers as an Invalid Date
 * that threw later (found by e2e/fuzz: computeFeatures(asOf: "0000-00-00") → INTERNAL_SERVER_ERROR). This makes the one
 * shared scalar refuse such values while the input is coerced (BAD_USER_INPUT for variables, GRAPHQL_VALIDATION_FAILED
 * for literals). Same name, description and output, so the schema does not change. Idempotent.
 */
export function hardenDateTimeScalar(): void {
  GraphQLISODateTime.parseValue = toDate;
  GraphQLISODateTime.parseLiteral = (ast: ValueNode) => {
    if (ast.kind !== Kind.STRING && ast.kind !== Kind.INT) throw new GraphQLError('DateTime must be an ISO 8601 string');
    return toDate(ast.kind === Kind.INT ? Number(ast.value) : ast.value);
  };
}
