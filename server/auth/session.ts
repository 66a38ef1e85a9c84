import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { actorFromHeaders } from './actor';
import type { Actor } from './roles';

// Next-only helpers (server components and actions). Workers, CLI and tests use actorFromHeaders or pass an Actor.
export const getActor = cache(async (): Promise<Actor | null> => actorFromHeaders(await headers()));

export async function requireActor(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect('/login');
  return actor;
}
