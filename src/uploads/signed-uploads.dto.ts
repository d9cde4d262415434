import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, IsString, Length, Min } from 'class-validator';

export class CreateUploadDto {
  @ApiProperty({ description: 'The file name, for display (no directories)' })
  @IsString()
  @Length(1, 255)
  fileName: string;

  @ApiPropertyOptional({ description: 'Size in bytes, if known: refused early when over the plan limit' })
  @IsOptional()
  @IsInt()
  @Min(1)
  sizeBytes?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  stride?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber()
  analysisFps?: number;

  @ApiPropertyOptional({ format: 'uri' })
  @IsOptional()
  @IsString()
  callbackUrl?: string;
}

export interface SignedUploadView {
  uploadId: string;
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}
