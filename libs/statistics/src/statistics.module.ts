import { Module } from '@nestjs/common';
import { StatisticsResolver } from './statistics.resolver.js';

/** GraphQL surface of the statistics engine (no database: the statistics are pure). */
@Module({ providers: [StatisticsResolver] })
export class StatisticsModule {}
