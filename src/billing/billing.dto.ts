import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class UsageQuery {
  @ApiPropertyOptional({ description: 'Calendar month (UTC) as YYYY-MM; the current month by default', example: '2026-11' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}$/, { message: 'period must be a month as YYYY-MM, e.g. 2026-11' })
  period?: string;
}

class PeriodView {
  @ApiProperty({ format: 'date-time', description: 'First instant of the month (UTC), inclusive' })
  start: string;

  @ApiProperty({ format: 'date-time', description: 'First instant of the next month (UTC), exclusive' })
  end: string;
}

class MoneyView {
  @ApiProperty({ description: "In the currency's minor unit (cents), like Stripe", example: 250 })
  amount: number;

  @ApiProperty({ example: 'usd' })
  currency: string;
}

export class UsageView {
  @ApiProperty({ type: PeriodView })
  period: PeriodView;

  @ApiProperty({ description: 'Net billable video-seconds: usage minus credits' })
  videoSeconds: number;

  @ApiProperty({ description: 'Video-seconds of succeeded jobs (each video rounded up to a whole second)' })
  usageSeconds: number;

  @ApiProperty({ description: 'Video-seconds credited back' })
  creditedSeconds: number;

  @ApiProperty({ description: 'Succeeded jobs billed in the period' })
  jobs: number;

  @ApiProperty({ description: "The plan's included video-minutes, in seconds" })
  includedSeconds: number;

  @ApiProperty({ description: 'Net video-seconds beyond the included ones' })
  overageSeconds: number;

  @ApiProperty({ type: MoneyView, description: 'Overage at the plan price per extra minute, pro rata per second' })
  estimatedCharge: MoneyView;

  @ApiProperty({ example: 'pro' })
  plan: string;

  @ApiProperty({ description: 'False: ledger-only mode, nothing is sent to Stripe' })
  stripeEnabled: boolean;
}

export class InvoiceView {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: String }) number: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'paid' }) status: string | null;
  @ApiProperty({ example: 'usd' }) currency: string;
  @ApiProperty({ description: 'Minor units (cents)' }) total: number;
  @ApiProperty({ description: 'Minor units (cents)' }) amountDue: number;
  @ApiProperty({ description: 'Minor units (cents)' }) amountPaid: number;
  @ApiProperty({ format: 'date-time' }) periodStart: string;
  @ApiProperty({ format: 'date-time' }) periodEnd: string;
  @ApiProperty({ format: 'date-time' }) created: string;
  @ApiProperty({ nullable: true, type: String, description: "Stripe's page to view and pay the invoice" }) hostedInvoiceUrl: string | null;
}

export class InvoiceListView {
  @ApiProperty({ description: 'False: ledger-only mode; the list is always empty' })
  stripeEnabled: boolean;

  @ApiProperty({ type: [InvoiceView] })
  items: InvoiceView[];
}
