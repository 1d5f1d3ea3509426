import { Module } from '@nestjs/common';
import { IngestCoreModule } from '@app/ingest';
import { SourcesResolver } from './sources.resolver.js';
import { SourcesService } from './sources.service.js';

export const connectorsResolvers = [SourcesResolver];

/** Sources and syncs without GraphQL (worker, CLI); the imports queue comes from QueueModule. */
@Module({ imports: [IngestCoreModule], providers: [SourcesService], exports: [SourcesService] })
export class ConnectorsCoreModule {}

@Module({ imports: [ConnectorsCoreModule], providers: connectorsResolvers, exports: [ConnectorsCoreModule] })
export class ConnectorsModule {}
