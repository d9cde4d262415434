import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type EntityManager, type Repository } from 'typeorm';
import { NotFoundError } from '../common/errors.js';
import type { TenantStatus } from '../tenants/tenant.entity.js';
import { ApiKey } from './api-key.entity.js';
import { generateApiKey, hashApiKey } from './api-key.js';

export interface AuthenticatedKey {
  apiKeyId: string;
  tenantId: string;
  status: TenantStatus;
  revoked: boolean;
}

/** Authentication results are cached this long per process: a revocation reaches other processes within it. */
const CACHE_MS = 5000;

@Injectable()
export class ApiKeysService {
  private readonly cache = new Map<string, { value: AuthenticatedKey | null; until: number }>();

  constructor(@InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>) {}

  /** Creates a key; the returned `key` is the only time the secret exists outside the client. */
  async create(tenantId: string, name: string, manager?: EntityManager): Promise<{ id: string; key: string; prefix: string; name: string }> {
    const { key, prefix, hash } = generateApiKey();
    const repo = manager ? manager.getRepository(ApiKey) : this.keys;
    const row = await repo.save(repo.create({ tenantId, name, prefix, hash }));
    return { id: row.id, key, prefix, name };
  }

  async list(tenantId: string): Promise<ApiKey[]> {
    return this.keys.find({ where: { tenantId }, order: { createdAt: 'DESC' } });
  }

  async revoke(tenantId: string, id: string): Promise<void> {
    const result = await this.keys.update({ id, tenantId, revokedAt: IsNull() }, { revokedAt: new Date() });
    if (!result.affected && !(await this.keys.existsBy({ id, tenantId }))) throw new NotFoundError('API key');
    this.cache.clear();
  }

  /** Looks a presented key up by its hash; null when unknown. */
  async authenticate(key: string): Promise<AuthenticatedKey | null> {
    const hash = hashApiKey(key);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) return hit.value;
    const row = await this.keys
      .createQueryBuilder('k')
      .innerJoin('k.tenant', 't')
      .select(['k.id AS id', 'k.tenant_id AS tenant_id', 'k.revoked_at AS revoked_at', 'k.last_used_at AS last_used_at', 't.status AS status'])
      .where('k.hash = :hash', { hash })
      .getRawOne<{ id: string; tenant_id: string; revoked_at: Date | null; last_used_at: Date | null; status: TenantStatus }>();
    const value = row ? { apiKeyId: row.id, tenantId: row.tenant_id, status: row.status, revoked: row.revoked_at !== null } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { value, until: now + CACHE_MS });
    if (row && !value?.revoked && (!row.last_used_at || now - row.last_used_at.getTime() > 60_000)) {
      // Best effort, at most once a minute per key: not worth a write per request.
      void this.keys.update({ id: row.id }, { lastUsedAt: new Date() }).catch(() => undefined);
    }
    return value;
  }
}
