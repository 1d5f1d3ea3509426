import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { AuthError } from './auth.errors.js';
import { AuthService } from './auth.service.js';
import { sha256Hex } from './passwords.js';
import { RefreshTokenEntity } from './refresh-token.entity.js';
import { UserEntity } from './user.entity.js';

/** `mlr_<row id>_<secret>`: the id finds the row, the secret is compared with its stored SHA-256. */
const REFRESH_PATTERN = /^mlr_(\d{1,18})_([A-Za-z0-9_-]{32,})$/;

export interface ConsoleSession {
  token: string;
  expiresAt: Date;
  refreshToken: string;
  refreshExpiresAt: Date;
  user: UserEntity;
}

/**
 * Console sessions: a short-lived bearer token (AUTH_ACCESS_TOKEN_TTL_SECONDS) plus a rotating refresh token
 * (AUTH_REFRESH_TOKEN_TTL_SECONDS). Each refresh consumes the presented token and issues a new one in the same family;
 * presenting an already-used token means it was copied, so the whole family is revoked (RFC 6819 §5.2.2.3).
 */
@Injectable()
export class SessionService {
  private readonly refreshTtlMs: number;

  constructor(
    @InjectRepository(RefreshTokenEntity) private readonly tokens: Repository<RefreshTokenEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(AppConfig) config: AppConfig,
  ) {
    this.refreshTtlMs = config.auth.refreshTokenTtlSeconds * 1000;
  }

  async login(email: string, password: string): Promise<ConsoleSession> {
    const { token, expiresAt, user } = await this.auth.login(email, password);
    const refresh = await this.issue(user.id, randomUUID());
    return { token, expiresAt, user, ...refresh };
  }

  /** Rotates the refresh token and signs a new bearer token with the user's current role. */
  async refresh(refreshToken: string): Promise<ConsoleSession> {
    const row = await this.find(refreshToken);
    const now = new Date();
    if (row.revokedAt || row.expiresAt <= now) throw new AuthError('UNAUTHENTICATED', 'refresh token expired or revoked; sign in again');
    // Atomic claim: of two concurrent refreshes with the same token, one wins and the other counts as reuse.
    const claimed = await this.tokens.update({ id: row.id, usedAt: IsNull(), revokedAt: IsNull() }, { usedAt: now });
    if (!claimed.affected) {
      await this.revokeFamily(row.family);
      throw new AuthError('UNAUTHENTICATED', 'refresh token was already used; the session is revoked, sign in again');
    }
    const user = await this.users.findOne({ where: { id: row.userId } });
    if (!user) throw new AuthError('UNAUTHENTICATED', 'the user of this session no longer exists');
    const next = await this.issue(user.id, row.family);
    await this.tokens.update({ id: row.id }, { replacedBy: next.id });
    const { token, expiresAt } = await this.auth.accessToken(user);
    return { token, expiresAt, user, refreshToken: next.refreshToken, refreshExpiresAt: next.refreshExpiresAt };
  }

  /** Logout: revokes the session the refresh token belongs to (every token of its family). */
  async revoke(refreshToken: string): Promise<void> {
    const row = await this.find(refreshToken);
    await this.revokeFamily(row.family);
  }

  /** Revokes every session of a user (e.g. after a password change or when the user is removed). */
  async revokeAllForUser(userId: string): Promise<number> {
    const res = await this.tokens.update({ userId, revokedAt: IsNull() }, { revokedAt: new Date() });
    return res.affected ?? 0;
  }

  private async issue(userId: string, family: string): Promise<{ id: string; refreshToken: string; refreshExpiresAt: Date }> {
    const secret = randomBytes(32).toString('base64url');
    const refreshExpiresAt = new Date(Date.now() + this.refreshTtlMs);
    const row = await this.tokens.save(this.tokens.create({ userId, family, tokenHash: sha256Hex(secret), expiresAt: refreshExpiresAt }));
    return { id: row.id, refreshToken: `mlr_${row.id}_${secret}`, refreshExpiresAt };
  }

  private async find(refreshToken: string): Promise<RefreshTokenEntity> {
    const m = REFRESH_PATTERN.exec(refreshToken.trim());
    const row = m ? await this.tokens.findOne({ where: { id: m[1]! } }) : null;
    if (!row || !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(sha256Hex(m![2]!)))) {
      throw new AuthError('UNAUTHENTICATED', 'invalid refresh token');
    }
    return row;
  }

  private async revokeFamily(family: string): Promise<void> {
    await this.tokens.update({ family, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}
