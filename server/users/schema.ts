import { z } from 'zod';
import { ROLES } from '../auth/roles';

export const RoleSchema = z.enum(ROLES, { message: 'Choose viewer, operator, approver or admin' });

export const CreateUserSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email('Enter a valid email address')),
  name: z.string().trim().min(1, 'Enter a name').max(80),
  role: RoleSchema,
  password: z.string().min(10, 'At least 10 characters').max(200),
});

export const UpdateRoleSchema = z.object({ role: RoleSchema });

export const CreateTokenSchema = z.object({
  name: z.string().trim().min(1, 'Name the token, e.g. "CI gate"').max(80),
  expiresInDays: z.coerce.number().int().min(1, 'At least 1 day').max(3650).optional().or(z.literal('').transform(() => undefined)),
});

export interface UserDto {
  id: string;
  email: string;
  name: string;
  role: string;
  disabled: boolean;
  createdAt: string;
}

export interface ApiTokenDto {
  id: string;
  name: string;
  prefix: string;
  ownerEmail: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}
