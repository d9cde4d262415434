import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiKey } from '../auth/api-key.entity.js';
import { generateApiKey } from '../auth/api-key.js';
import { BadRequestError, NotFoundError } from '../common/errors.js';
import { Plan } from '../plans/plan.entity.js';
import { Tenant, type QuotaOverrides } from './tenant.entity.js';

export interface CreatedTenant {
  tenantId: string;
  apiKey: string;
}

/** Creating tenants and reading them; used by the CLI, the portal's sign-up and tests. */
@Injectable()
export class TenantsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A tenant on `planId` with its first API key, in one transaction. */
  async create(name: string, planId = 'free', quotaOverrides: QuotaOverrides = {}): Promise<CreatedTenant> {
    return createTenant(this.db, name, planId, quotaOverrides);
  }

  async get(tenantId: string): Promise<Tenant> {
    const tenant = await this.db.getRepository(Tenant).findOne({ where: { id: tenantId }, relations: { plan: true } });
    if (!tenant) throw new NotFoundError('tenant');
    return tenant;
  }

  async setQuotaOverrides(tenantId: string, quotaOverrides: QuotaOverrides): Promise<void> {
    await this.db.getRepository(Tenant).update({ id: tenantId }, { quotaOverrides });
  }
}

/** Plain function so the CLI can create a tenant without booting Nest. */
export async function createTenant(db: DataSource, name: string, planId = 'free', quotaOverrides: QuotaOverrides = {}): Promise<CreatedTenant> {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200) throw new BadRequestError('invalid_name', 'the tenant name must be 1 to 200 characters');
  return db.transaction(async (tx) => {
    const plan = await tx.getRepository(Plan).findOneBy({ id: planId });
    if (!plan) {
      const plans = (await tx.getRepository(Plan).find({ order: { id: 'ASC' } })).map((p) => p.id);
      throw new BadRequestError('unknown_plan', `unknown plan "${planId}": use one of ${plans.join(', ')}`);
    }
    const tenant = await tx.getRepository(Tenant).save(
      tx.getRepository(Tenant).create({ name: trimmed, planId, quotaOverrides, webhookSecret: `whsec_${randomBytes(24).toString('base64url')}` }),
    );
    const { key, prefix, hash } = generateApiKey();
    await tx.getRepository(ApiKey).save(tx.getRepository(ApiKey).create({ tenantId: tenant.id, name: 'default', prefix, hash }));
    return { tenantId: tenant.id, apiKey: key };
  });
}
