import { Module } from '@nestjs/common';
import { ImportResolver } from './import.resolver.js';
import { ImportService } from './import.service.js';

export const ingestResolvers = [ImportResolver];

/** The ingest service without GraphQL (CLI, worker, simulator). Uses the DataSource and AppConfig of RuntimeModule. */
@Module({ providers: [ImportService], exports: [ImportService] })
export class IngestCoreModule {}

@Module({ imports: [IngestCoreModule], providers: ingestResolvers, exports: [IngestCoreModule] })
export class IngestModule {}
