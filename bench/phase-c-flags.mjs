/** (c)'s open run as `fire` flags: unsigned failures of `mix` at `rate`/s for `seconds`, 1000 in flight, 50 connections. */
export function phaseCFlags(url, rate, seconds, mix) {
  return [
    '--url',
    url,
    '--no-sign',
    '--rate',
    `${rate}/s`,
    '--duration',
    `${seconds}s`,
    '--mix',
    mix,
    '--max-in-flight',
    '1000',
    '--connections',
    '50',
  ];
}
