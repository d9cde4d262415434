import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';

export class SignUpDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail({}, { message: 'enter a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ description: 'At least 10 characters, not only digits, not containing the email' })
  @IsString()
  @MaxLength(200)
  password: string;

  @ApiProperty({ description: 'The organisation (the tenant) name', example: 'Acme Traffic' })
  @IsString()
  @Length(1, 200, { message: 'enter your organisation name (1 to 200 characters)' })
  company: string;
}

export class SignInDto {
  @ApiProperty()
  @IsString()
  @Length(1, 254)
  email: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  password: string;
}

export type { MeView } from './views.js';

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail({}, { message: 'enter a valid email address' })
  @MaxLength(254)
  email: string;
}

export class PasswordResetDto {
  @ApiProperty({ description: 'The token from the reset link (the part after #token=)' })
  @IsString()
  @Length(1, 200)
  token: string;

  @ApiProperty({ description: 'The new password (same rules as at sign-up)' })
  @IsString()
  @MaxLength(200)
  password: string;
}

export class PasswordChangeDto {
  @ApiProperty()
  @IsString()
  @Length(1, 200)
  currentPassword: string;

  @ApiProperty({ description: 'At least 10 characters, not only digits, not containing the email' })
  @IsString()
  @MaxLength(200)
  newPassword: string;
}
