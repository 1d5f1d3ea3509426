import type { ApolloServerPlugin } from '@apollo/server';
import depthLimit from 'graphql-depth-limit';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { GraphQLError, Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';

/** Typed codes of the request-shape limits; the error mapper passes them through to the client. */
export const LIMIT_CODES = ['QUERY_TOO_DEEP', 'QUERY_TOO_COMPLEX', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED', 'MALFORMED_REQUEST'] as const;

/**
 * graphql-depth-limit as a validation rule whose errors carry `extensions.code = QUERY_TOO_DEEP`. Introspection fields
 * (`__schema`, `__type`) are not counted, so tools can still introspect in development.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  const rule = depthLimit(maxDepth, { ignore: [/^__/] });
  return (context: ValidationContext) => {
    const typed = Object.create(context) as ValidationContext;
    typed.reportError = (error: GraphQLError) =>
      context.reportError(new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'QUERY_TOO_DEEP', maxDepth } }));
    try {
      rule(typed);
    } catch {
      // The library recurses through fragment spreads; a fragment cycle (reported by graphql's own rule) would overflow it.
      context.reportError(new GraphQLError('operation depth could not be measured (fragment cycle?)', { extensions: { code: 'QUERY_TOO_DEEP', maxDepth } }));
    }
    return {};
  };
}

/**
 * graphql-query-complexity as an Apollo plugin (it needs the variables, which validation rules do not see): every selected
 * field costs one point, aliases included, so a query that repeats an expensive field a hundred times under aliases costs
 * a hundred. Above `maxComplexity` the operation is refused with QUERY_TOO_COMPLEX before anything runs.
 */
export function complexityLimitPlugin(maxComplexity: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          let complexity: number;
          try {
            complexity = getComplexity({ schema, query: document, variables: request.variables ?? {}, operationName: request.operationName ?? undefined, estimators: [simpleEstimator({ defaultComplexity: 1 })] });
          } catch {
            return; // variables that do not coerce: execution reports them as BAD_USER_INPUT
          }
          if (complexity > maxComplexity) {
            throw new GraphQLError(`operation costs ${complexity} points; at most ${maxComplexity} are allowed (GRAPHQL_MAX_COMPLEXITY)`, {
              extensions: { code: 'QUERY_TOO_COMPLEX', complexity, maxComplexity, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

/** Arguments that size a returned list, on any field: capped at the page-size maximum (libs/pagination MAX_PAGE_SIZE). */
export const PAGE_SIZE_ARGUMENTS = ['limit', 'first', 'last', 'k', 'logLines', 'pageSize'] as const;

/** The first list-size argument above `max` (or negative) in the operation, after variables are applied. */
export function oversizedPageArgument(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, max: number): { field: string; argument: string; value: number } | undefined {
  const typeInfo = new TypeInfo(schema);
  let found: { field: string; argument: string; value: number } | undefined;
  visit(document, visitWithTypeInfo(typeInfo, {
    [Kind.FIELD](node) {
      const def = typeInfo.getFieldDef();
      if (found || !def || !node.arguments?.length) return;
      let values: Record<string, unknown>;
      try {
        values = getArgumentValues(def, node, variables);
      } catch {
        return; // wrong types: execution reports them
      }
      for (const name of PAGE_SIZE_ARGUMENTS) {
        const v = values[name];
        if (typeof v === 'number' && (v > max || v < 0)) {
          found = { field: def.name, argument: name, value: v };
          return;
        }
      }
    },
  }));
  return found;
}

/** Refuses an operation that asks any field for more than `max` rows (or a negative count) with BAD_USER_INPUT. */
export function pageSizeCapPlugin(max: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const hit = oversizedPageArgument(schema, document, request.variables ?? {}, max);
          if (hit) {
            throw new GraphQLError(`${hit.field}(${hit.argument}: ${hit.value}) is out of range: between 0 and ${max}`, {
              extensions: { code: 'BAD_USER_INPUT', reason: 'PAGE_SIZE_CAP', field: hit.field, argument: hit.argument, max, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
