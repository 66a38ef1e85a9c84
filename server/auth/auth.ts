import { betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { nextCookies } from 'better-auth/next-js';
import { db } from '../db';
import { env } from '../env';

// better-auth owns sessions and password hashing. Sign-up is disabled: admins create users (server/users).
function createAuth() {
  const e = env();
  return betterAuth({
    appName: 'Perfdeck',
    baseURL: e.PERFDECK_URL,
    secret: e.BETTER_AUTH_SECRET,
    trustedOrigins: [e.PERFDECK_URL, e.PERFDECK_URL.replace('127.0.0.1', 'localhost')],
    database: prismaAdapter(db(), { provider: 'postgresql' }),
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 10 },
    user: {
      additionalFields: {
        role: { type: 'string', input: false, defaultValue: 'viewer' },
        disabled: { type: 'boolean', input: false, defaultValue: false },
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    rateLimit: { enabled: true, window: 60, max: 300, customRules: { '/sign-in/email': { window: 60, max: 30 } } },
    advanced: { useSecureCookies: e.PERFDECK_URL.startsWith('https://') },
    databaseHooks: {
      session: {
        create: {
          // A disabled user cannot start a session even with the right password.
          before: async (session) => {
            const user = await db().user.findUnique({ where: { id: session.userId }, select: { disabled: true } });
            if (!user || user.disabled) return false;
            return { data: session };
          },
        },
      },
    },
    plugins: [nextCookies()],
  });
}

type Auth = ReturnType<typeof createAuth>;
const g = globalThis as unknown as { __perfdeckAuth?: Auth };

export function auth(): Auth {
  g.__perfdeckAuth ??= createAuth();
  return g.__perfdeckAuth;
}
