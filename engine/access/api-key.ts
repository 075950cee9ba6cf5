/**
 * API keys: 32 random bytes (256 bits) from the OS's CSPRNG, base64url, with a readable prefix.
 * Only sha256(key) is stored. A slow password hash (bcrypt, scrypt, argon2) protects low-entropy secrets
 * that people choose against guessing; a 256-bit random key cannot be guessed however fast the hash, so
 * one sha256 suffices, and it lets a request find its key by an index lookup on the hash instead of
 * trying every stored key.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export const API_KEY_PREFIX = 'baton_';

export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function newKeyId(): string {
  return randomUUID();
}
