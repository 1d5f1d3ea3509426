import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AliasHistoryEntity, ModelAliasEntity, ModelEntity, ModelVersionEntity } from './model.entity.js';
import { RegistryEventEntity } from './registry-events.js';
import { RegistryResolver } from './registry.resolver.js';
import { RegistryService } from './registry.service.js';

export const registryResolvers = [RegistryResolver];

@Module({
  imports: [TypeOrmModule.forFeature([ModelEntity, ModelVersionEntity, ModelAliasEntity, AliasHistoryEntity, RegistryEventEntity])],
  providers: [RegistryService],
  exports: [RegistryService],
})
export class RegistryCoreModule {}

@Module({ imports: [RegistryCoreModule], providers: registryResolvers, exports: [RegistryCoreModule] })
export class RegistryModule {}
