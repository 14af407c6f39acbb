import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import * as argon2 from 'argon2';
import type { FieldIssue } from '@cap-iae/shared';

/** OWASP's argon2id baseline (19 MiB, 2 passes) keeps a login under ~50 ms on these machines. */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A hash computed once so that an unknown login costs as much time as a known one (no user enumeration). */
let dummyHash: Promise<string> | undefined;
export function dummyVerify(password: string): Promise<boolean> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash.then((h) => verifyPassword(h, password)).then(() => false);
}

/** ANSSI-style rules, stated in French so that the form can show them as they are. */
export function passwordIssues(password: unknown, login: string, field = 'password'): FieldIssue[] {
  if (typeof password !== 'string') return [{ field, message: 'doit être un texte' }];
  const issues: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) issues.push(`au moins ${PASSWORD_MIN_LENGTH} caractères`);
  if (password.length > 200) issues.push('au plus 200 caractères');
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 3)
    issues.push('au moins trois types de caractères parmi minuscules, majuscules, chiffres et symboles');
  if (login && password.toLowerCase().includes(login.toLowerCase().split('@')[0]))
    issues.push("ne pas contenir l'identifiant");
  return issues.length ? [{ field, message: `le mot de passe doit comporter ${issues.join(', ')}` }] : [];
}

/** A password that satisfies the rules, for resets and demo accounts: shown once, never stored in clear. */
export function generatePassword(): string {
  const raw = randomBytes(12).toString('base64url');
  return `${raw.slice(0, 6)}-${raw.slice(6, 12)}-${raw.slice(12)}7aZ!`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}
