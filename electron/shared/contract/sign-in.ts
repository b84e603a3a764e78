import { z } from 'zod';
import { IsoDateTime } from './status';

/** How a person got in: by the roster (id and passphrase) or by an emergency code. */
export const SignInHow = z.enum(['roster', 'emergency']);
export type SignInHow = z.infer<typeof SignInHow>;

/** The person signed in at this station: the name printed on every page ("printed by"). */
export const Person = z.object({
  id: z.string().max(64),
  name: z.string().max(120),
  role: z.string().max(60),
  how: SignInHow,
});
export type Person = z.infer<typeof Person>;

/** The reasons the emergency form offers; "other" asks for the reason in words. */
export const EMERGENCY_REASONS = ['Not in the roster (agency or float staff)', 'Forgotten passphrase', 'Locked out after failed attempts', 'Other'] as const;

/** Sign-in as the station sees it now: what the screens show, and who is on (null: locked or signed out). */
export const SessionState = z.object({
  /** false: this station shows charts without a sign-in (no roster and the policy does not ask for one). */
  required: z.boolean(),
  person: Person.nullable(),
  /** An emergency session's end; null for a roster sign-in. */
  until: IsoDateTime.nullable(),
  /** After this long without a touch the station locks (minutes). */
  autoLockMinutes: z.number().positive(),
  /** The person the station was locked on, to sign in again in one step (null: nobody yet). */
  locked: Person.extend({ why: z.enum(['inactivity', 'switch-user', 'lock', 'session-ended']) }).nullable(),
  roster: z
    .object({
      facility: z.string(),
      sequence: z.number().int().nonnegative(),
      issuedAt: IsoDateTime,
      expiresAt: IsoDateTime,
      /** The roster in use is past its end: it still signs people in, and IT is to send a new one. */
      expired: z.boolean(),
      emergency: z.boolean(),
    })
    .nullable(),
  /** Why nobody can sign in here (no roster, a damaged one), for IT; null when sign-in works. */
  problem: z.string().nullable(),
});
export type SessionState = z.infer<typeof SessionState>;

export const SignInRequest = z.object({
  user: z.string().trim().min(1).max(64),
  passphrase: z.string().min(1).max(1024),
});
export const EmergencyRequest = z.object({
  code: z.string().trim().min(1).max(64),
  name: z.string().trim().min(2).max(120),
  role: z.string().trim().min(2).max(60),
  reason: z.string().trim().min(3).max(500),
});
export const LockRequest = z.object({ why: z.enum(['inactivity', 'switch-user', 'lock']) });
