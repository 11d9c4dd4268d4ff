import type { SendOptions } from './types.js';

/** An address as a mail system takes it: local part, @, a domain with a dot; 254 characters at most. */
const ADDRESS = /^[^@\s<>",;]+@[^@\s<>",;]+\.[^@\s<>",;]+$/;

export const isAddress = (s: string): boolean => ADDRESS.test(s) && s.length <= 254;

/** SMTPeter's defaults: click, open and bounce tracking on, the rest off. */
export const DEFAULT_OPTIONS: SendOptions = {
  trackclicks: true,
  trackopens: true,
  trackbounces: true,
  preventscam: false,
  inlinecss: false,
  tags: [],
};
