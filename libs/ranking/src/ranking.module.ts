import { Module } from '@nestjs/common';
import { TrainingCoreModule } from '@app/training';
import { RankingLogWriter } from './ranking-log.writer.js';
import { RankingResolver } from './ranking.resolver.js';
import { RankingService } from './ranking.service.js';

/** The pipeline service and its log writer (used by libs/alerts for rankedJobs and alert composition). */
@Module({ imports: [TrainingCoreModule], providers: [RankingService, RankingLogWriter], exports: [RankingService, RankingLogWriter] })
export class RankingCoreModule {}

/** The API side: rankingDebug, rankingPipelines, saveRankingPipeline. */
@Module({ imports: [RankingCoreModule], providers: [RankingResolver], exports: [RankingCoreModule] })
export class RankingModule {}
