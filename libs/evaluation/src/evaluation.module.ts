import { Module } from '@nestjs/common';
import { EvaluationResolver } from './evaluation.resolver.js';

/** GraphQL surface of the evaluation domain (no database: the metric code is pure). */
@Module({ providers: [EvaluationResolver] })
export class EvaluationModule {}
