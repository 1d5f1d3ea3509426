import { Module } from '@nestjs/common';
import { SimulatorService } from './simulator.service.js';

/** The synthetic market writer; needs the database (DataSource) from the runtime module. */
@Module({
  providers: [SimulatorService],
  exports: [SimulatorService],
})
export class SimulatorModule {}
