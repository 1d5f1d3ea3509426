import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyEntity } from './api-key.entity.js';
import { AuthResolver } from './auth.resolver.js';
import { AuthService } from './auth.service.js';
import { PermissionGuard } from './permission.guard.js';
import { RefreshTokenEntity } from './refresh-token.entity.js';
import { SessionService } from './sessions.service.js';
import { UserEntity } from './user.entity.js';

export const authResolvers = [AuthResolver];

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, ApiKeyEntity, RefreshTokenEntity])],
  providers: [AuthService, SessionService, ...authResolvers, { provide: APP_GUARD, useClass: PermissionGuard }],
  exports: [AuthService, SessionService],
})
export class AuthModule {}

/** For the worker and the CLI: the service without the GraphQL guard and resolver. */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, ApiKeyEntity, RefreshTokenEntity])],
  providers: [AuthService, SessionService],
  exports: [AuthService, SessionService],
})
export class AuthCoreModule {}
