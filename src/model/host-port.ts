/**
 * `host:port` as a URL or a DNS client writes it: an IPv6 address in
 * brackets (`[::1]:8026`), a name or IPv4 address as it is.
 */
export function hostPort(host: string, port: number | string): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
