/** What user names, display names, e-mail addresses and token names may look like. */
import { AppError } from '../core/errors.js';

const namePattern = /^[A-Za-z0-9._@-]{1,64}$/;

/** Longest display name kept (any text; it is data, escaped wherever it is shown). */
export const maxDisplayName = 200;

/** True when `name` is a valid user (or token) name: letters, digits, . _ - @, at most 64. */
export function isValidName(name: string): boolean {
  return namePattern.test(name);
}

/** Throws request/invalid unless `name` is a valid user name. */
export function checkUserName(name: string): void {
  if (!isValidName(name)) {
    throw new AppError('request/invalid', 'invalid user name: use 1 to 64 letters, digits, ".", "_", "-" or "@"');
  }
}

/** Throws request/invalid unless `name` is a valid token name. */
export function checkTokenName(name: string): void {
  if (!isValidName(name)) {
    throw new AppError('request/invalid', 'invalid token name: use 1 to 64 letters, digits, ".", "_", "-" or "@"');
  }
}

/** Throws request/invalid for an empty or over-long display name. */
export function checkDisplayName(text: string): void {
  if (text.trim() === '' || [...text].length > maxDisplayName) {
    throw new AppError('request/invalid', `invalid display name: 1 to ${maxDisplayName} characters`);
  }
}

/** Throws request/invalid for something that is not an e-mail address. */
export function checkEmail(email: string): void {
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new AppError('request/invalid', 'invalid e-mail address');
}
