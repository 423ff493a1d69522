/** Key secrets: long random strings, of which only a hash is ever stored or compared. */
import { createHash, randomBytes } from 'node:crypto';

/** 256 bits: out of reach of guessing at any request rate. */
const SECRET_BYTES = 32;
/** Ids are public (listed, named in a revoke): short, and unique among one owner's keys. */
const ID_BYTES = 6;

export function newSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

export function newKeyId(): string {
  return randomBytes(ID_BYTES).toString('hex');
}

/** The stored form of a secret. A fast hash is enough: the secret is random, not a password. */
export function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
