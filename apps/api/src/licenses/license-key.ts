import { randomBytes } from 'node:crypto';
import { maskLicenseKey } from '@keyledger/contract';

/** 32 symbols without the look-alikes (no I, O, 0, 1): 5 bits each, so 16 symbols carry 80 random bits. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const GROUPS = 4;
const GROUP_LENGTH = 4;

/** A new license key: four groups of four, e.g. `K7QM-2XHR-PN4D-WC9T`. */
export function generateLicenseKey(): string {
  const bytes = randomBytes(GROUPS * GROUP_LENGTH);
  const symbols = [...bytes].map((b) => ALPHABET[b & 31]);
  return Array.from({ length: GROUPS }, (_, g) => symbols.slice(g * GROUP_LENGTH, (g + 1) * GROUP_LENGTH).join('')).join('-');
}

/** How a key is shown where it must not be usable (audit entries, their exports): only its last group. */
export function licenseKeyHint(key: string): string {
  // One definition in the contract: the web app and the audit search mask a pasted key the same way.
  return maskLicenseKey(key);
}

/** A key as an end user may type it: any case, surrounding spaces. */
export const normalizeLicenseKey = (input: string) => input.trim().toUpperCase();
