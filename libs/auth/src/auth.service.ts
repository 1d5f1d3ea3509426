import { Inject, Injectable, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { recordAudit } from '@app/audit';
import { AppConfig } from '@app/config';
import { KeyValueStore } from '@app/kv';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { IsNull, Repository } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity.js';
import { AuthError } from './auth.errors.js';
import { hashPassword, sha256Hex, verifyPassword } from './passwords.js';
import { ROLES, validateScopes, type Role } from './permissions.js';
import type { Principal } from './principal.js';
import { UserEntity } from './user.entity.js';

const KEY_PATTERN = /^mlk_([a-z0-9]{8})_([A-Za-z0-9_-]{32,})$/;
/**
 * Active API keys are cached per process for this long, so the alert API's hot path reads no key row per request.
 * A revocation clears the cache of every process at once (published on KEY_REVOKED_CHANNEL); the TTL bounds how long
 * a process that missed the message keeps accepting a revoked key.
 */
const KEY_CACHE_MS = 10_000;
const KEY_CACHE_MAX = 10_000;
/** `last_used_at` is written at most this often per key and process (it is a "recently used" hint, not an access log). */
const LAST_USED_WRITE_MS = 60_000;
const KEY_REVOKED_CHANNEL = 'matchlab:api-key-revoked';

type CachedKey = Pick<ApiKeyEntity, 'id' | 'prefix' | 'keyHash' | 'name' | 'role' | 'scopes'> & { at: number };

@Injectable()
export class AuthService implements OnModuleInit, OnModuleDestroy {
  private readonly secret: Uint8Array;
  private readonly accessTtlSeconds: number;
  private readonly keyCache = new Map<string, CachedKey>();
  private readonly lastUsedWritten = new Map<string, number>();
  private unsubscribe: (() => Promise<void>) | null = null;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @Inject(AppConfig) config: AppConfig,
    @Optional() @Inject(KeyValueStore) private readonly kv?: KeyValueStore,
  ) {
    this.secret = new TextEncoder().encode(config.authSecret);
    this.accessTtlSeconds = config.auth.accessTokenTtlSeconds;
  }

  async onModuleInit(): Promise<void> {
    this.unsubscribe = (await this.kv?.subscribe(KEY_REVOKED_CHANNEL, (prefix) => this.keyCache.delete(prefix))) ?? null;
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.().catch(() => undefined);
  }

  async createUser(email: string, password: string, role: Role, actor = 'system'): Promise<UserEntity> {
    if (!ROLES.includes(role)) throw new AuthError('INVALID_INPUT', `unknown role "${role}"`);
    if (password.length < 8) throw new AuthError('INVALID_INPUT', 'password must be at least 8 characters');
    const normalized = email.trim().toLowerCase();
    if (await this.users.exists({ where: { email: normalized } })) throw new AuthError('INVALID_INPUT', `user ${normalized} exists`);
    const user = await this.users.save(this.users.create({ email: normalized, passwordHash: await hashPassword(password), role }));
    await recordAudit(this.users.manager, { actor, action: 'user.create', subject: `user:${user.id}`, detail: { role } });
    return user;
  }

  /** Creates the admin if no user exists yet. Returns the generated password, or null when nothing was created. */
  async ensureAdmin(email: string, password?: string): Promise<{ email: string; password: string } | null> {
    if ((await this.users.count()) > 0) return null;
    const pw = password ?? randomBytes(12).toString('base64url');
    try {
      await this.createUser(email, pw, 'admin');
    } catch (err) {
      // Another process starting at the same moment created it first.
      if ((err as { code?: string }).code === '23505' || (err instanceof AuthError && err.message.endsWith('exists'))) return null;
      throw err;
    }
    return { email: email.toLowerCase(), password: pw };
  }

  async login(email: string, password: string): Promise<{ token: string; expiresAt: Date; user: UserEntity }> {
    const user = await this.users.findOne({ where: { email: email.trim().toLowerCase() } });
    if (!user || !(await verifyPassword(password, user.passwordHash))) {
      throw new AuthError('INVALID_CREDENTIALS', 'wrong email or password');
    }
    return { ...(await this.accessToken(user)), user };
  }

  /** A bearer token for the user, valid AUTH_ACCESS_TOKEN_TTL_SECONDS (renewed through SessionService.refresh). */
  async accessToken(user: UserEntity): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + this.accessTtlSeconds * 1000);
    const token = await new SignJWT({ role: user.role, email: user.email })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.secret);
    return { token, expiresAt };
  }

  /** Returns the key once; only its prefix and hash are stored. `scopes` restricts the key below its role. */
  async createApiKey(name: string, role: Role, userId: string | null, actor = userId ? `user:${userId}` : 'system', scopes: readonly string[] | null = null): Promise<{ key: string; entity: ApiKeyEntity }> {
    if (!ROLES.includes(role)) throw new AuthError('INVALID_INPUT', `unknown role "${role}"`);
    const keyScopes = validateScopes(role, scopes);
    if (!name.trim() || name.length > 200) throw new AuthError('INVALID_INPUT', 'name must be 1 to 200 characters');
    const prefix = randomBytes(6).toString('hex').slice(0, 8);
    const key = `mlk_${prefix}_${randomBytes(24).toString('base64url')}`;
    const entity = await this.keys.save(this.keys.create({ prefix, keyHash: sha256Hex(key), name, role, userId, scopes: keyScopes }));
    await recordAudit(this.keys.manager, { actor, action: 'api_key.create', subject: `api_key:${prefix}`, detail: { role, name } });
    return { key, entity };
  }

  async revokeApiKey(prefix: string, actor = 'system'): Promise<void> {
    const res = await this.keys.update({ prefix, revokedAt: IsNull() }, { revokedAt: new Date() });
    if (!res.affected) throw new AuthError('NOT_FOUND', `no active API key with prefix ${prefix}`);
    this.keyCache.delete(prefix);
    await this.kv?.publish(KEY_REVOKED_CHANNEL, prefix).catch(() => undefined); // other processes: within KEY_CACHE_MS anyway
    await recordAudit(this.keys.manager, { actor, action: 'api_key.revoke', subject: `api_key:${prefix}` });
  }

  /** The active (unrevoked) key with this prefix, from the per-process cache when fresh. */
  private async activeKey(prefix: string): Promise<CachedKey | null> {
    const now = Date.now();
    const hit = this.keyCache.get(prefix);
    if (hit && now - hit.at < KEY_CACHE_MS) return hit;
    const entity = await this.keys.findOne({ where: { prefix, revokedAt: IsNull() } });
    if (!entity) {
      this.keyCache.delete(prefix);
      return null;
    }
    if (this.keyCache.size >= KEY_CACHE_MAX) this.keyCache.clear();
    const cached: CachedKey = { id: entity.id, prefix: entity.prefix, keyHash: entity.keyHash, name: entity.name, role: entity.role, scopes: entity.scopes, at: now };
    this.keyCache.set(prefix, cached);
    return cached;
  }

  /** Every API key, newest first (the secret part is never stored, so never shown again). */
  listApiKeys(): Promise<ApiKeyEntity[]> {
    return this.keys.find({ order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /** Resolves the Authorization / x-api-key headers to a principal; undefined when none was sent. */
  async authenticate(authorization?: string, apiKeyHeader?: string): Promise<Principal | undefined> {
    const apiKey = apiKeyHeader ?? (authorization?.startsWith('ApiKey ') ? authorization.slice(7) : undefined);
    if (apiKey) return this.principalForKey(apiKey.trim());
    if (authorization?.startsWith('Bearer ')) {
      const token = authorization.slice(7).trim();
      if (token.startsWith('mlk_')) return this.principalForKey(token);
      try {
        const { payload } = await jwtVerify(token, this.secret, { algorithms: ['HS256'] });
        const role = payload['role'] as Role;
        if (!payload.sub || !ROLES.includes(role)) throw new Error('bad claims');
        return { kind: 'user', id: payload.sub, role, label: String(payload['email'] ?? payload.sub) };
      } catch {
        throw new AuthError('UNAUTHENTICATED', 'invalid or expired token');
      }
    }
    if (authorization) throw new AuthError('UNAUTHENTICATED', 'unsupported Authorization scheme (use Bearer or ApiKey)');
    return undefined;
  }

  private async principalForKey(key: string): Promise<Principal> {
    const m = KEY_PATTERN.exec(key);
    const entity = m ? await this.activeKey(m[1]!) : null;
    if (!entity || !timingSafeEqual(Buffer.from(entity.keyHash), Buffer.from(sha256Hex(key)))) {
      throw new AuthError('UNAUTHENTICATED', 'invalid or revoked API key');
    }
    const now = Date.now();
    if (now - (this.lastUsedWritten.get(entity.id) ?? 0) >= LAST_USED_WRITE_MS) {
      if (this.lastUsedWritten.size >= KEY_CACHE_MAX) this.lastUsedWritten.clear();
      this.lastUsedWritten.set(entity.id, now);
      void this.keys.update({ id: entity.id }, { lastUsedAt: new Date(now) }).catch(() => undefined);
    }
    return { kind: 'api_key', id: entity.id, role: entity.role, label: `key ${entity.prefix} (${entity.name})`, ...(entity.scopes ? { scopes: entity.scopes } : {}) };
  }
}

