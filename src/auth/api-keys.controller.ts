import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { UuidPipe } from '../common/uuid.pipe.js';
import type { ApiKeyView } from '../portal/views.js';
import { ApiKeyAuth } from './api-key-auth.decorator.js';
import { ApiKeysService } from './api-keys.service.js';
import { CurrentTenant, type TenantContext } from './tenant-context.js';

export class CreateApiKeyDto {
  @ApiProperty()
  @IsString()
  @Length(1, 100)
  name: string;
}

export type { ApiKeyView } from '../portal/views.js';

@ApiTags('api-keys')
@ApiKeyAuth()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: "The tenant's API keys (prefixes only)" })
  async list(@CurrentTenant() t: TenantContext): Promise<ApiKeyView[]> {
    return (await this.keys.list(t.tenantId)).map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      createdAt: k.createdAt.toISOString(),
      revokedAt: k.revokedAt?.toISOString() ?? null,
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    }));
  }

  @Post()
  @ApiOperation({ summary: 'Create a key; the key itself is in this answer only' })
  async create(@CurrentTenant() t: TenantContext, @Body() dto: CreateApiKeyDto): Promise<{ id: string; name: string; prefix: string; key: string }> {
    return this.keys.create(t.tenantId, dto.name);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key (effective within 5 s on every API process)' })
  async revoke(@CurrentTenant() t: TenantContext, @Param('id', new UuidPipe('API key')) id: string): Promise<void> {
    await this.keys.revoke(t.tenantId, id);
  }
}
