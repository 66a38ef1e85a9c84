import { ForbiddenError, UnauthenticatedError } from '../errors';
import { roleAtLeast, type Actor, type Role } from './roles';

// The one place role checks happen. Services call this first; edges only find out who the actor is.
export function authorize(actor: Actor | null | undefined, min: Role): Actor {
  if (!actor) throw new UnauthenticatedError();
  if (!roleAtLeast(actor.role, min)) {
    throw new ForbiddenError(`This needs the ${min} role; you are ${actor.role === 'admin' || actor.role === 'approver' ? 'an' : 'a'} ${actor.role}.`);
  }
  return actor;
}
