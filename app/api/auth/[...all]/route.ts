import { toNextJsHandler } from 'better-auth/next-js';
import { auth } from '@/server/auth/auth';

// better-auth's own endpoints (sign-in, sign-out, session). Sign-up is disabled in server/auth/auth.ts.
const handler = () => toNextJsHandler(auth());
export const GET = (req: Request) => handler().GET(req);
export const POST = (req: Request) => handler().POST(req);
