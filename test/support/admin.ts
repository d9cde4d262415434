import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createStaffUser } from '../../src/admin/staff-users.js';
import type { StaffRole } from '../../src/admin/staff-user.entity.js';
import { startTestApp, type TestApp } from './app.js';

/** A test app with the admin panel loaded (startTestApp turns it off by default). */
export function startAdminApp(name: string, vars: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp(name, { TALLY_ADMIN_ENABLED: 'true', ...vars });
}

export interface StaffLogin {
  id: string;
  email: string;
  password: string;
  role: StaffRole;
}

let seq = 0;
export async function createStaff(db: DataSource, role: StaffRole, email = `${role}${++seq}@tally.test`): Promise<StaffLogin> {
  const password = `correct horse ${role} battery`;
  const staff = await createStaffUser(db, { email, password, role });
  return { id: staff.id, email, password, role };
}

export type Agent = ReturnType<typeof request.agent>;

/** Posts AdminJS's login form as a browser would; returns the response (302 to /admin when it worked). */
export function postLogin(agent: Agent, email: string, password: string, ip?: string) {
  const req = agent.post('/admin/login').type('form').send({ email, password });
  return ip ? req.set('X-Forwarded-For', ip) : req;
}

/** A supertest agent (keeps cookies) signed in as `staff`. */
export async function signIn(app: INestApplication, staff: Pick<StaffLogin, 'email' | 'password'>): Promise<Agent> {
  const agent = request.agent(app.getHttpServer());
  const res = await postLogin(agent, staff.email, staff.password);
  if (res.status !== 302 || res.headers.location !== '/admin') throw new Error(`sign-in of ${staff.email} failed: ${res.status} ${res.headers.location ?? ''}`);
  return agent;
}
