import type { DataSource } from 'typeorm';
import { BadRequestError, ConflictError } from '../common/errors.js';
import { hashPassword, passwordProblem } from '../portal/passwords.js';
import { STAFF_ROLES, StaffUser, type StaffRole } from './staff-user.entity.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface NewStaffUser {
  email: string;
  password: string;
  role: string;
}

/** Checks a new staff account's fields; throws BadRequestError naming the problem. */
export function validateStaffUser(input: NewStaffUser): { email: string; role: StaffRole } {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 254) throw new BadRequestError('invalid_email', `"${input.email}" is not an email address`);
  if (!(STAFF_ROLES as readonly string[]).includes(input.role)) throw new BadRequestError('invalid_role', `role "${input.role}" is not one of ${STAFF_ROLES.join(', ')}`);
  const problem = passwordProblem(input.password, email);
  if (problem) throw new BadRequestError('weak_password', problem);
  return { email, role: input.role as StaffRole };
}

/** Plain function so `tally staff create` works without booting Nest. */
export async function createStaffUser(db: DataSource, input: NewStaffUser): Promise<StaffUser> {
  const { email, role } = validateStaffUser(input);
  const repo = db.getRepository(StaffUser);
  if (await repo.existsBy({ email })) throw new ConflictError('staff_exists', `a staff account for ${email} already exists`);
  const passwordHash = await hashPassword(input.password);
  return repo.save(repo.create({ email, role, passwordHash }));
}
