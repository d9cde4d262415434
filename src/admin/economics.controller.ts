import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { EconomicsService, type LiveEconomics } from './economics.service.js';
import { StaffGuard } from './staff.guard.js';

/** Live unit economics (issue 8) for staff: a staff session cookie (sign in at /admin/login), not an API key. */
@ApiExcludeController()
@Controller('v1/admin')
@UseGuards(StaffGuard)
export class EconomicsController {
  constructor(private readonly economics: EconomicsService) {}

  @Get('economics')
  async get(): Promise<LiveEconomics> {
    return this.economics.live();
  }
}
