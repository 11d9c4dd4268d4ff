import type { KeyObject } from 'node:crypto';
import { type BodyFormat, encodeCall } from '../encode/body.js';
import type { Dialect } from '../encode/dialect.js';
import type { CallType, SimCall } from '../model/events.js';
import { httpDateNow, signRequest } from '../sign/signer.js';

export interface SigningConfig {
  privateKey: KeyObject;
  keyId: string;
  copernicaId: string;
  headers?: readonly string[];
  digestCase?: 'lower' | 'upper';
}

/** Where each kind of call goes (SMTPeter configures one URL per webhook kind). */
export interface Targets {
  url?: URL;
  failureUrl?: URL;
  bounceUrl?: URL;
  deliveryUrl?: URL;
  openUrl?: URL;
  clickUrl?: URL;
  abuseUrl?: URL;
}

/** The Targets field that holds each kind's own URL. */
export const KIND_URL = {
  failure: 'failureUrl',
  bounce: 'bounceUrl',
  delivery: 'deliveryUrl',
  open: 'openUrl',
  click: 'clickUrl',
  abuse: 'abuseUrl',
} as const satisfies Record<CallType, keyof Targets>;

export function targetFor(call: { event: { type: SimCall['event']['type'] } }, targets: Targets): URL {
  const url = targets[KIND_URL[call.event.type]] ?? targets.url;
  if (!url) throw new Error(`no URL for ${call.event.type} calls`);
  return url;
}

/** Whether any URL is given (else fire starts its own receiver). */
export function anyTarget(targets: Targets): boolean {
  return Object.values(targets).some((u) => u !== undefined);
}

export interface RequestOptions {
  format: BodyFormat;
  dialect: Dialect;
  /** Absent: unsigned call. */
  signing?: SigningConfig;
  /** Extra headers (`--header`), added last so they can override. */
  extraHeaders?: Record<string, string>;
  userAgent?: string;
}

export interface BuiltRequest {
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
}

/** event -> encoding -> signing: everything but the network. */
export function buildRequest(call: SimCall, url: URL, options: RequestOptions, now?: Date): BuiltRequest {
  const { contentType, body } = encodeCall(call, options.format, options.dialect);
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    'Content-Length': String(body.length),
    'User-Agent': options.userAgent ?? 'smtpeter-sim',
  };
  if (!options.signing) {
    // Unsigned: just the Date, set in place.
    headers['Date'] = now ? now.toUTCString() : httpDateNow();
    return {
      url,
      headers: options.extraHeaders ? Object.assign(headers, options.extraHeaders) : headers,
      body,
    };
  }
  const signed = signRequest(
    {
      method: 'POST',
      path: url.pathname + url.search,
      host: url.host,
      contentType,
      body,
      ...(now ? { date: now } : {}),
    },
    {
      privateKey: options.signing.privateKey,
      keyId: options.signing.keyId,
      copernicaId: options.signing.copernicaId,
      ...(options.signing.headers ? { headers: options.signing.headers } : {}),
      ...(options.signing.digestCase ? { digestCase: options.signing.digestCase } : {}),
    },
  );
  // Same names, order and values as { ...base, ...signed, ...extraHeaders }, without the copies.
  return { url, headers: Object.assign(headers, signed, options.extraHeaders), body };
}

/** The request as text, for `--dry-run`. */
export function renderRequest(req: BuiltRequest): string {
  const lines = [`POST ${req.url.pathname}${req.url.search} HTTP/1.1`, `Host: ${req.url.host}`];
  for (const [name, value] of Object.entries(req.headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${req.body.toString('utf8')}`;
}
