import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsEmail, MaxLength } from 'class-validator';
import { ApiKeyAuth } from '../auth/api-key-auth.decorator.js';
import { CurrentTenant, type TenantContext } from '../auth/tenant-context.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { TeamService, type Invitation, type TeamMember } from './team.service.js';

export class InviteDto {
  @ApiProperty({ example: 'grace@example.com' })
  @IsEmail({}, { message: 'enter a valid email address' })
  @MaxLength(254)
  email: string;
}

/** The tenant's people (portal sign-ins); with an API key or a session. */
@ApiTags('team')
@ApiKeyAuth()
@Controller('v1/team')
export class TeamController {
  constructor(private readonly team: TeamService) {}

  @Get()
  @ApiOperation({ summary: "The tenant's members, oldest first; `pending` until an invitee has chosen a password" })
  async list(@CurrentTenant() t: TenantContext): Promise<{ members: TeamMember[] }> {
    return { members: await this.team.list(t.tenantId) };
  }

  @Post('members')
  @HttpCode(201)
  @ApiOperation({ summary: 'Invite someone: a link to choose a password (7 days), mailed, or returned once when Tally sends no mail' })
  async invite(@CurrentTenant() t: TenantContext & { email?: string }, @Body() dto: InviteDto): Promise<Invitation> {
    return this.team.invite(t.tenantId, dto.email, t.email ?? 'a colleague');
  }

  @Delete('members/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member (not yourself); their sessions end' })
  async remove(@CurrentTenant() t: TenantContext, @Param('id', new UuidPipe('member')) id: string): Promise<void> {
    await this.team.remove(t.tenantId, id, t.userId);
  }
}
