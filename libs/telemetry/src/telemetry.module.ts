import { Global, Module } from '@nestjs/common';
import { PlatformMetrics } from './metrics.js';

@Global()
@Module({ providers: [PlatformMetrics], exports: [PlatformMetrics] })
export class TelemetryModule {}
