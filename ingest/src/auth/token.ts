/** The read API's bearer token, compared in constant time so its answers' timing tells nothing about it. */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Both sides are hashed first: timingSafeEqual needs equal lengths, and comparing digests hides
 * the token's length as well as its content.
 */
export function tokenMatcher(token: string): (authorization: string | undefined) => boolean {
  const expected = createHash('sha256').update(`Bearer ${token}`).digest();
  return (authorization) =>
    timingSafeEqual(
      createHash('sha256')
        .update(authorization ?? '')
        .digest(),
      expected,
    );
}
