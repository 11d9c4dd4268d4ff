/**
 * One flat string from its parts. `+` and template literals past 12
 * characters make a rope (a 32-byte cons cell per join, the parts kept
 * besides); serve keeps ids, keys and return paths for as long as it keeps a
 * message (10^5 by default), so what it keeps is built flat.
 */
export function flatString(...parts: readonly (string | number)[]): string {
  return parts.join('');
}
