/**
 * The bad-input catalogue: every malformed input a user can give (flags,
 * config files, fixture files, keys, URLs, .eml files) is answered with one
 * line naming the problem and where, exit code 2, and nothing sent. One
 * table, one receiver that must stay untouched.
 *
 * The rows run in-process through `main(argv, io)` (what bin/ runs); that
 * the built CLI turns its return into the exit status is checked as a
 * process in test/e2e/cli-process.test.ts.
 *
 * Here rather than in test/cli/: the rows cross every layer that reads user
 * input (flags, config, fixture files, keys, .eml files), not one module.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CaptureServer, startCaptureServer } from '../helpers/capture-server.js';
import { runMain } from '../helpers/cli.js';
import { failureEntry } from '../helpers/fixture-entry.js';
import { rsaKeyPair } from '../helpers/keys.js';

interface Row {
  /** What is wrong, in a few words. */
  name: string;
  /** `$URL` is the receiver, `$PORT` its port (one in use), `$DIR` the row's own folder (also the cwd). */
  args: string[];
  /** Files to create in the row's folder first. */
  files?: Record<string, string | Buffer>;
  /** The one line must match this: the problem and where it is. */
  says: RegExp;
}

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const KEYS = {
  'private.pem': rsaKeyPair().privatePem,
  'public.pem': rsaKeyPair().publicPem,
  'other.pub': rsaKeyPair('other').publicPem,
  'ec.pem': String(ec.privateKey.export({ type: 'pkcs8', format: 'pem' })),
  'garbage.pem': 'this is not a key\n',
};

const failureFixture = (patch: Record<string, unknown>) =>
  JSON.stringify({ calls: [failureEntry('c1', patch)] });
const bounceFixture = (mimeFile: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ calls: [{ type: 'bounce', id: 'b1', mimeFile, ...extra }] });

const FIRE = ['fire', '--url', '$URL', '--no-sign'];

/** A captured bounce in Latin-1, 8-bit: `jürgen` with the byte 0xFC. */
const LATIN1_EML = Buffer.from(
  'From: MAILER-DAEMON@mx.example.de\r\nTo: bounce-abcdef12@bounces.example.com\r\nSubject: Unzustellbar\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\nX-Failed-Recipients: j\u00fcrgen@example.de\r\n\r\nNicht zustellbar an j\u00fcrgen@example.de\r\n',
  'latin1',
);

/** A bounce whose header `lines` are 8-bit Latin-1, declaring `charset` (none: no Content-Type). */
const eml8bit = (charset: string, ...lines: string[]) => {
  const to = lines.find((l) => l.startsWith('To:')) ?? 'To: bounce-abcdef12@bounces.example.com';
  const own = lines.filter((l) => l !== to);
  const type = charset ? [`Content-Type: text/plain; charset=${charset}`] : [];
  return Buffer.from(
    [
      'From: MAILER-DAEMON@mx.example.de',
      to,
      'Subject: Unzustellbar',
      ...own,
      ...type,
      '',
      'Nicht zustellbar an j\u00fcrgen@example.de',
      '',
    ].join('\r\n'),
    'latin1',
  );
};

const ROWS: Row[] = [
  // --- flags ---
  { name: 'unknown flag', args: [...FIRE, '--bogus'], says: /unknown option '--bogus'/ },
  // serve refuses its flags before anything listens.
  {
    name: 'serve: port not a number',
    args: ['serve', '--api-port', 'abc'],
    says: /--api-port: expected a port 0-65535/,
  },
  {
    name: 'serve: time scale 0',
    args: ['serve', '--time-scale', '0'],
    says: /--time-scale: expected a factor above 0/,
  },
  {
    name: 'serve: keep 0',
    args: ['serve', '--keep', '0'],
    says: /--keep: expected a number of messages, 1 or more/,
  },
  {
    name: 'serve: sign workers not a number',
    args: ['serve', '--sign-workers', 'x'],
    says: /--sign-workers: expected a number of threads, 0-64/,
  },
  {
    name: 'serve: outcomes file missing',
    args: ['serve', '--outcomes', 'missing.json'],
    says: /--outcomes missing\.json: cannot read/,
  },
  {
    name: 'unknown flag with a suggestion',
    args: [...FIRE, '--sedd', '1'],
    says: /unknown option '--sedd'; did you mean --seed\? \(see --help\)$/,
  },
  { name: 'choice out of range', args: [...FIRE, '--type', 'nope'], says: /--type.*'nope'.*failure, bounce/ },
  { name: 'body format', args: [...FIRE, '--format', 'xml'], says: /--format.*'xml'/ },
  { name: 'dialect', args: [...FIRE, '--dialect', 'smtp2go'], says: /--dialect.*'smtp2go'/ },
  { name: 'rate', args: [...FIRE, '--rate', 'fast'], says: /--rate: .*'fast'/ },
  { name: 'count zero', args: [...FIRE, '--count', '0'], says: /--count: .*'0'/ },
  { name: 'count fraction', args: [...FIRE, '--count', '1.5'], says: /--count: .*'1\.5'/ },
  { name: 'duration unit', args: [...FIRE, '--duration', '10parsecs'], says: /--duration: .*'10parsecs'/ },
  {
    name: 'duration without a unit',
    args: [...FIRE, '--rate', '10/s', '--duration', '30'],
    says: /: --duration: expected a duration with a unit such as 500ms, 30s or 2m, got '30'$/,
  },
  {
    name: 'timeout without a unit',
    args: [...FIRE, '--timeout', '5'],
    says: /--timeout: .*with a unit.*'5'/,
  },
  { name: 'grace without a unit', args: [...FIRE, '--grace', '5'], says: /--grace: .*with a unit.*'5'/ },
  {
    name: 'stage without a unit',
    args: [...FIRE, '--stages', '10:100/s'],
    says: /--stages: '10:100\/s': expected a duration with a unit/,
  },
  { name: 'stages', args: [...FIRE, '--stages', '10s:lots'], says: /--stages: .*'10s:lots'/ },
  { name: 'concurrency', args: [...FIRE, '-c', '0'], says: /--concurrency: .*'0'/ },
  { name: 'timeout', args: [...FIRE, '--timeout', 'soon'], says: /--timeout: .*'soon'/ },
  {
    name: 'scenario',
    args: [...FIRE, '--scenario', 'dsn-nope'],
    says: /--scenario: unknown scenario 'dsn-nope'/,
  },
  { name: 'style', args: [...FIRE, '--style', 'hotmail95'], says: /--style: .*'hotmail95'/ },
  {
    name: 'style not written for the type',
    args: [...FIRE, '--style', 'outlook', '--type', 'bounce'],
    says: /--style: no bounce scenario is written in style 'outlook' \(bounce styles: .*\bgmail\b/,
  },
  {
    name: 'attachment size on failure calls',
    args: [...FIRE, '--type', 'failure', '--attachment-size', '2MB'],
    says: /--attachment-size: only bounce calls .*; --type failure makes none$/,
  },
  {
    name: 'empty Copernica ID',
    args: [...FIRE, '--copernica-id', ''],
    says: /^smtpeter-sim: --copernica-id: expected a value, got an empty one$/,
  },
  {
    name: 'empty seed',
    args: [...FIRE, '--seed', ''],
    says: /^smtpeter-sim: --seed: expected a value, got an empty one$/,
  },
  {
    name: 'replay empty seed',
    args: ['replay', 'gone.json', '--url', '$URL', '--seed', ' '],
    says: /--seed: expected a value, got an empty one$/,
  },
  { name: 'generate time', args: ['generate', '--time', 'soon'], says: /--time: .*or 'now', got 'soon'/ },
  {
    name: 'mix weight',
    args: [...FIRE, '--count', '5', '--mix', 'failure=lots'],
    says: /--mix: .*'failure=lots'/,
  },
  { name: 'threshold', args: [...FIRE, '--threshold', 'p99<soon'], says: /--threshold: .*'p99<soon'/ },
  { name: 'header without colon', args: [...FIRE, '-H', 'X-Team'], says: /--header: .*'X-Team'/ },
  { name: 'event time', args: [...FIRE, '--time', 'yesterday-ish'], says: /--time: .*'yesterday-ish'/ },
  {
    name: 'recipient',
    args: [...FIRE, '--recipient', 'not-an-address'],
    says: /--recipient: .*'not-an-address'/,
  },
  { name: 'generate count', args: ['generate', '--count', 'many'], says: /--count: .*'many'/ },
  {
    name: 'defects not a share',
    args: [...FIRE, '--defects', 'some'],
    says: /--defects: 'some' is not a share/,
  },
  {
    name: 'defects over 100%',
    args: [...FIRE, '--defects', '150%'],
    says: /--defects: '150%' is not a share/,
  },
  {
    name: 'defects fraction over 1',
    args: ['generate', '--defects', '1.5'],
    says: /--defects: '1\.5' is not a share/,
  },
  {
    name: 'defects negative',
    args: ['generate', '--defects', '-5%'],
    says: /--defects: '-5%' is not a share/,
  },
  {
    name: 'defects with captured messages',
    args: [...FIRE, '--mime', 'b.eml', '--defects', '5%'],
    files: {
      'b.eml':
        'From: MAILER-DAEMON@example.com\r\nTo: bounce-1@example.com\r\nSubject: x\r\n\r\nFinal-Recipient: rfc822; a@example.nl\r\n',
    },
    says: /--defects: not with --mime/,
  },
  { name: 'defects empty', args: ['generate', '--defects', ''], says: /--defects: expected a value/ },
  { name: 'listen port', args: ['listen', '--port', '99999'], says: /--port: .*99999/ },
  {
    name: 'listen port not a number',
    args: ['listen', '--port', 'abc'],
    says: /--port: expected a port 0-65535 \(0 = any free port\), got 'abc'$/,
  },
  {
    name: 'listen status not a number',
    args: ['listen', '--status', 'abc'],
    says: /--status: expected an HTTP status 200-599, got 'abc'$/,
  },
  {
    name: 'listen Copernica ID without a key',
    args: ['listen', '--port', '0', '--copernica-id', 'environment-4242'],
    says: /--copernica-id: is checked on verified calls only; give --public-key or --resolve-keys too$/,
  },
  { name: 'listen status', args: ['listen', '--status', '700'], says: /--status: .*700/ },
  {
    name: 'listen port in use',
    args: ['listen', '--port', '$PORT'],
    says: /^smtpeter-sim: --port \d+: address already in use on 127\.0\.0\.1/,
  },
  {
    name: 'listen host not an address',
    args: ['listen', '--port', '0', '--host', '256.1.1.1'],
    says: /--host 256\.1\.1\.1: not an IP address, and no such host name/,
  },
  {
    name: 'listen host not of this machine',
    args: ['listen', '--port', '0', '--host', '192.0.2.1'],
    says: /--host 192\.0\.2\.1: not an address of this machine/,
  },
  // --- URLs ---
  {
    name: 'URL scheme',
    args: ['fire', '--no-sign', '--url', 'ftp://example.com/'],
    says: /--url: 'ftp:\/\/example\.com\/'/,
  },
  { name: 'URL syntax', args: ['fire', '--no-sign', '--url', 'http://'], says: /--url: .*'http:\/\/'/ },
  { name: 'URL words', args: ['fire', '--no-sign', '--url', 'my receiver'], says: /--url: .*'my receiver'/ },
  {
    name: 'failure URL with space',
    args: ['fire', '--no-sign', '--failure-url', 'http://exa mple.com/'],
    says: /--failure-url: .*'http:\/\/exa mple\.com\/'/,
  },
  { name: 'check without URL', args: ['check'], says: /--url/ },
  // --- keys ---
  { name: 'key missing', args: ['fire', '--url', '$URL', '--key', 'nope.pem'], says: /--key nope\.pem: / },
  {
    name: 'key not PEM',
    args: ['fire', '--url', '$URL', '--key', 'garbage.pem'],
    files: KEYS,
    says: /--key garbage\.pem: not a PEM private key$/,
  },
  {
    name: 'public key given to sign',
    args: ['fire', '--url', '$URL', '--key', 'public.pem'],
    files: KEYS,
    says: /--key public\.pem: this is a public key; --key needs the private key$/,
  },
  {
    name: 'EC key',
    args: ['fire', '--url', '$URL', '--key', 'ec.pem'],
    files: KEYS,
    says: /--key ec\.pem: an EC key; SMTPeter signs with RSA$/,
  },
  {
    name: 'keys generate into a file',
    args: ['keys', 'generate', '--out', 'notes.txt'],
    files: { 'notes.txt': 'not a folder\n' },
    says: /--out notes\.txt: is a file, not a folder/,
  },
  {
    name: 'keys generate over an existing pair',
    args: ['keys', 'generate', '--out', '.'],
    files: { 'smtpeter-sim.key': KEYS['private.pem'] },
    says: /--out \.: a key pair is already there \(smtpeter-sim\.key;.*give --force to replace it/,
  },
  {
    name: 'listen public key garbage',
    args: ['listen', '--port', '0', '--public-key', 'garbage.pem'],
    files: KEYS,
    says: /--public-key garbage\.pem: not a PEM public key$/,
  },
  {
    name: 'check with a key pair that does not match',
    args: ['check', '--url', '$URL', '--key', 'private.pem', '--public-key', 'other.pub'],
    files: KEYS,
    says: /--public-key other\.pub: not the public half of the signing key/,
  },
  // --- config files ---
  {
    name: 'config not JSON',
    args: [...FIRE],
    files: { '.smtpeter-simrc.json': '{ "url": ' },
    says: /\.smtpeter-simrc\.json:1: not JSON: expected a value, found the end of the file \(column 10\)$/,
  },
  {
    name: 'config not YAML',
    args: [...FIRE],
    files: { '.smtpeter-simrc': 'url: http://127.0.0.1/\ntags: [ci\n' },
    says: /\.smtpeter-simrc:2: not YAML: unexpected end of the stream within a flow collection \(column 10\)$/,
  },
  {
    name: 'config JS with a syntax error',
    args: [...FIRE],
    files: { 'smtpeter-sim.config.cjs': 'module.exports = {\n  url: ,\n};\n' },
    says: /smtpeter-sim\.config\.cjs:2: cannot load: syntax error: Unexpected token ','$/,
  },
  {
    name: 'package.json not JSON',
    args: [...FIRE],
    files: { 'package.json': '{ "name": "x", }' },
    says: /package\.json:1: not JSON: expected a property name in double quotes, found '\}' \(column 16\)$/,
  },
  {
    name: 'config unknown key',
    args: [...FIRE],
    files: { '.smtpeter-simrc.json': '{ "ulr": "http://127.0.0.1/" }' },
    says: /\.smtpeter-simrc\.json: unknown key 'ulr'/,
  },
  {
    name: 'config wrong value',
    args: [...FIRE],
    files: { '.smtpeter-simrc.json': '{ "format": "xml" }' },
    says: /\.smtpeter-simrc\.json: 'format' must be one of form, json/,
  },
  {
    name: 'config wrong type',
    args: [...FIRE],
    files: { '.smtpeter-simrc.json': '{ "tags": "newsletter" }' },
    says: /\.smtpeter-simrc\.json: 'tags' must be an array of tags: strings without white space/,
  },
  {
    name: 'config file missing',
    args: [...FIRE, '--config', 'gone.json'],
    says: /--config gone\.json: no such file/,
  },
  {
    name: 'config empty seed',
    args: [...FIRE],
    files: { '.smtpeter-simrc.json': '{ "seed": "" }' },
    says: /\.smtpeter-simrc\.json: 'seed' must be a number or a non-empty string/,
  },
  {
    name: 'config key file missing',
    args: ['fire', '--url', '$URL'],
    files: { '.smtpeter-simrc.json': '{ "key": "keys/none.pem" }' },
    says: /none\.pem/,
  },
  {
    name: 'config URL scheme',
    args: ['fire', '--no-sign'],
    files: { '.smtpeter-simrc.json': '{ "url": "gopher://example.com/" }' },
    says: /url.*'gopher:\/\/example\.com\/'/,
  },
  // --- fixture files ---
  {
    name: 'fixture missing',
    args: ['replay', 'gone.json', '--url', '$URL'],
    says: /gone\.json: no such file/,
  },
  {
    name: 'fixture empty',
    args: ['replay', 'f.json', '--url', '$URL'],
    files: { 'f.json': '' },
    says: /f\.json/,
  },
  {
    name: 'fixture not JSON',
    args: ['replay', 'f.json', '--url', '$URL'],
    files: { 'f.json': '{"calls": [ { "type": "failure", } ] }' },
    says: /f\.json:1: not JSON: .*column \d+/,
  },
  {
    name: 'fixture unknown field',
    args: ['replay', 'f.json', '--url', '$URL'],
    files: { 'f.json': failureFixture({ recipeint: 'x@example.nl' }) },
    says: /f\.json:.*recipeint/,
  },
  {
    name: 'fixture bad SMTP code',
    args: ['replay', 'f.json', '--url', '$URL'],
    files: { 'f.json': failureFixture({ code: '999' }) },
    says: /f\.json:.*code/,
  },
  {
    name: 'fixture bad timestamp',
    args: ['replay', 'f.json', '--url', '$URL'],
    files: { 'f.json': failureFixture({ timestamp: '2026-13-45 25:00:00' }) },
    says: /f\.json:.*timestamp/,
  },
  {
    name: 'fixture unknown state',
    args: ['replay', 'f.json', '--url', '$URL'],
    files: { 'f.json': failureFixture({ state: 'greeting' }) },
    says: /f\.json:.*state/,
  },
  {
    name: 'fixture unknown defect kind',
    args: ['replay', 'f.ndjson', '--url', '$URL'],
    files: { 'f.ndjson': '{"scenario": "dsn-userunknown", "type": "bounce", "defects": ["mangled"]}\n' },
    says: /f\.ndjson:1: \$\.defects\[0\]: .*'mangled'/,
  },
  {
    name: 'fixture defect the message has nothing for',
    args: ['replay', 'f.ndjson', '--url', '$URL'],
    files: {
      'f.ndjson':
        '{"scenario": "autoreply-out-of-office", "style": "gmail", "defects": ["final-recipient-no-type"]}\n',
    },
    says: /f\.ndjson:1: \$\.defects: 'final-recipient-no-type' needs a message\/delivery-status part/,
  },
  {
    name: 'NDJSON line not an object',
    args: ['replay', 'f.ndjson', '--url', '$URL'],
    files: { 'f.ndjson': `${failureFixture({}).slice(10, -2)}\n[1, 2]\n` },
    says: /f\.ndjson:2/,
  },
  // --- .eml files ---
  {
    name: '.eml missing',
    args: ['replay', 'f.json', '--url', '$URL'],
    files: { 'f.json': bounceFixture('gone.eml') },
    says: /f\.json:.*mimeFile.*gone\.eml/,
  },
  {
    name: '.eml not a message',
    args: ['replay', 'f.json', '--url', '$URL'],
    files: { 'f.json': bounceFixture('photo.eml'), 'photo.eml': '\u0089PNG\r\n\u001a\n binary bytes' },
    says: /f\.json:.*mimeFile.*message/,
  },
  {
    name: '.eml without a recipient',
    args: ['replay', 'f.json', '--url', '$URL'],
    files: {
      'f.json': bounceFixture('no-rcpt.eml'),
      'no-rcpt.eml':
        'From: MAILER-DAEMON@mx.example.net\r\nTo: bounce-b1@bounces.example.com\r\nSubject: Undelivered\r\n\r\nSomething went wrong.\r\n',
    },
    says: /f\.json:.*recipient/,
  },
  {
    name: '--mime file missing',
    args: [...FIRE, '--mime', 'gone.eml'],
    says: /--mime gone\.eml: cannot read/,
  },
  {
    name: '--mime not a message',
    args: [...FIRE, '--mime', 'photo.eml'],
    files: { 'photo.eml': '\u0089PNG\r\n\u001a\n binary bytes' },
    says: /--mime photo\.eml: .*expected a message/,
  },
  {
    name: '--mime with a scenario',
    args: [...FIRE, '--mime', 'b.eml', '--scenario', 'dsn-expired'],
    files: { 'b.eml': 'To: x@example.com\r\n\r\nbody\r\n' },
    says: /--mime: .*--scenario does not apply/,
  },
  // --- flags that exclude each other (commander's .conflicts(), in our words) ---
  {
    name: 'rate and stages',
    args: [...FIRE, '--rate', '10/s', '--stages', '1s:5/s'],
    says: /^smtpeter-sim: --stages: give either --rate or --stages, not both$/,
  },
  {
    name: 'stages and duration',
    args: [...FIRE, '--stages', '1s:5/s', '--duration', '2s'],
    says: /^smtpeter-sim: --duration: --stages sets the duration; give one or the other$/,
  },
  {
    name: 'mix and type',
    args: [...FIRE, '--type', 'bounce', '--mix', 'failure=1'],
    says: /^smtpeter-sim: --mix: give either --mix or --type\/--scenario, not both$/,
  },
  {
    name: 'generate mix and scenario',
    args: ['generate', '--mix', 'campaign', '--scenario', 'delivered-opened'],
    says: /^smtpeter-sim: --mix: give either --mix or --type\/--scenario, not both$/,
  },
  {
    name: '--mime with --mta',
    args: [...FIRE, '--mime', 'b.eml', '--mta', 'gmail'],
    files: { 'b.eml': 'To: x@example.com\r\n\r\nbody\r\n' },
    says: /^smtpeter-sim: --mime: sends the captured messages as they are; --style does not apply$/,
  },
  {
    name: 'replay rate and speed',
    args: ['replay', 'gone.json', '--url', '$URL', '--speed', '2x', '--rate', '5/s'],
    says: /^smtpeter-sim: --rate: give --rate or --realtime\/--speed, not both$/,
  },
  // --- retries and disorder ---
  { name: 'retries negative', args: [...FIRE, '--retries', '-1'], says: /--retries: .*'-1'/ },
  {
    name: 'retry schedule',
    args: [...FIRE, '--retry-schedule', 'weekly'],
    says: /--retry-schedule: .*'weekly'/,
  },
  { name: 'duplicate over 1', args: [...FIRE, '--duplicate', '2'], says: /--duplicate: .*'2'/ },
  {
    name: 'replay duplicate over 100%',
    args: ['replay', 'gone.json', '--url', '$URL', '--duplicate', '150%'],
    says: /--duplicate: .*'150%'/,
  },
  {
    name: 'replay reorder not a count',
    args: ['replay', 'gone.json', '--url', '$URL', '--reorder', 'some'],
    says: /--reorder: expected a whole number .*'some'/,
  },
  {
    name: 'delay distribution',
    args: [...FIRE, '--delay', 'weird:1s'],
    says: /--delay: unknown distribution 'weird'/,
  },
  {
    name: 'retry base without a unit',
    args: [...FIRE, '--retries', '1', '--retry-base', '500'],
    says: /--retry-base: .*with a unit.*'500'/,
  },
  {
    name: 'retry schedule without units',
    args: [...FIRE, '--retry-schedule', '100,1000'],
    says: /--retry-schedule: .*'100' is not a duration with a unit/,
  },
  {
    name: 'delay without a unit',
    args: [...FIRE, '--delay', 'fixed:200'],
    says: /--delay: fixed: delay '200' is not a duration with a unit/,
  },
  {
    name: 'uniform delay without a unit',
    args: [...FIRE, '--delay', 'uniform:0-500'],
    says: /--delay: uniform: maximum '500' is not a duration with a unit/,
  },
  {
    name: 'config duration without a unit',
    args: [...FIRE],
    files: { '.smtpeter-simrc.json': '{ "retryMax": 30 }' },
    says: /\.smtpeter-simrc\.json: retryMax: expected a duration with a unit .*'30'/,
  },
  {
    name: 'build workers with retries',
    args: [...FIRE, '--retries', '2', '--workers', '2'],
    says: /--workers: retries, --duplicate and --reorder are built on the main thread/,
  },
  {
    name: 'config retries not a number',
    args: [...FIRE],
    files: { '.smtpeter-simrc.json': '{ "retries": "many" }' },
    says: /\.smtpeter-simrc\.json: 'retries'|retries.*'many'/,
  },
  // --- output paths: checked before the first call, so a run is never sent and then lost ---
  {
    name: '--out in a folder that does not exist',
    args: [...FIRE, '--out', 'missing/dir/report.json'],
    says: /^smtpeter-sim: --out missing\/dir\/report\.json: cannot write: folder missing\/dir does not exist$/,
  },
  {
    name: '--log in a folder that does not exist',
    args: [...FIRE, '--log', 'missing/run.ndjson'],
    says: /--log missing\/run\.ndjson: cannot write: folder missing does not exist$/,
  },
  { name: '--out is a folder', args: [...FIRE, '--out', '.'], says: /--out \.: is a folder, not a file$/ },
  {
    name: '--log is a folder',
    args: [...FIRE, '--log', 'logs'],
    files: { 'logs/.keep': '' },
    says: /--log logs: is a folder, not a file$/,
  },
  {
    name: '--out empty',
    args: [...FIRE, '--out', ''],
    says: /--out: expected a file name, got an empty one$/,
  },
  {
    name: '--out under a file',
    args: [...FIRE, '--out', 'notes.txt/report.json'],
    files: { 'notes.txt': 'a file\n' },
    says: /--out notes\.txt\/report\.json: cannot write: notes\.txt is not a folder$/,
  },
  {
    name: 'generate --out in a folder that does not exist',
    args: ['generate', '--out', 'missing/calls.json'],
    says: /--out missing\/calls\.json: cannot write: folder missing does not exist$/,
  },
  {
    name: 'dry run --out in a folder that does not exist',
    args: [...FIRE, '--dry-run', '--out', 'missing/report.json'],
    says: /--out missing\/report\.json: cannot write: folder missing does not exist$/,
  },
  {
    name: 'replay JUnit --out in a folder that does not exist',
    args: ['replay', 'f.json', '--url', '$URL', '--reporter', 'junit', '--out', 'missing/junit.xml'],
    files: { 'f.json': failureFixture({}) },
    says: /--out missing\/junit\.xml: cannot write: folder missing does not exist$/,
  },
  // --- headers: no CR/LF, no framing, none the signature covers ---
  {
    name: 'header Host',
    args: [...FIRE, '-H', 'Host: evil.example'],
    says: /--header: Host is written by smtpeter-sim itself/,
  },
  {
    name: 'header Date',
    args: [...FIRE, '-H', 'Date: Mon, 01 Jan 2024 00:00:00 GMT'],
    says: /--header: Date is written by smtpeter-sim itself/,
  },
  { name: 'header Digest', args: [...FIRE, '-H', 'Digest: SHA-256=x'], says: /--header: Digest is written/ },
  {
    name: 'header Signature',
    args: [...FIRE, '-H', 'Signature: keyId="x"'],
    says: /--header: Signature is written/,
  },
  {
    name: 'header X-Copernica-ID',
    args: [...FIRE, '-H', 'X-Copernica-ID: 1'],
    says: /--header: X-Copernica-ID is written/,
  },
  {
    name: 'header Content-Length',
    args: [...FIRE, '-H', 'Content-Length: 5'],
    says: /--header: Content-Length is written/,
  },
  {
    name: 'header Transfer-Encoding',
    args: [...FIRE, '-H', 'Transfer-Encoding: chunked'],
    says: /--header: Transfer-Encoding is written/,
  },
  {
    name: 'header Connection',
    args: [...FIRE, '-H', 'connection: close'],
    says: /--header: connection is written/,
  },
  {
    name: 'header Content-Type',
    args: [...FIRE, '-H', 'Content-Type: text/plain'],
    says: /--header: Content-Type is written/,
  },
  {
    name: 'header with CR LF',
    args: [...FIRE, '-H', 'X-A: a\r\nX-Injected: b'],
    says: /^smtpeter-sim: --header: X-A: a header value cannot hold CR, LF or NUL$/,
  },
  {
    name: 'header with LF only',
    args: [...FIRE, '-H', 'X-A: a\nb'],
    says: /--header: X-A: a header value cannot hold CR, LF or NUL$/,
  },
  {
    name: 'replay header Host',
    args: ['replay', 'f.json', '--url', '$URL', '-H', 'Host: x'],
    files: { 'f.json': failureFixture({}) },
    says: /--header: Host is written/,
  },
  {
    name: 'check header Digest',
    args: ['check', '--url', '$URL', '-H', 'Digest: x'],
    says: /--header: Digest is written/,
  },
  {
    name: 'config header Host',
    args: [...FIRE],
    files: { '.smtpeter-simrc.json': '{ "headers": { "Host": "evil.example" } }' },
    says: /\.smtpeter-simrc\.json: headers: Host is written by smtpeter-sim itself/,
  },
  {
    name: 'config header name with a space',
    args: [...FIRE],
    files: { '.smtpeter-simrc.json': '{ "headers": { "X Team": "mail" } }' },
    says: /\.smtpeter-simrc\.json: headers: 'X Team' is not a header name$/,
  },
  {
    name: 'config header value with a newline',
    args: [...FIRE],
    files: { '.smtpeter-simrc.json': '{ "headers": { "X-Team": "a\\r\\nHost: b" } }' },
    says: /\.smtpeter-simrc\.json: headers: X-Team: a header value cannot hold CR, LF or NUL$/,
  },
  // --- URL parts ---
  {
    name: 'URL with user and password',
    args: ['fire', '--no-sign', '--url', 'http://hook:s3cret@127.0.0.1:$PORT/'],
    says: /^smtpeter-sim: --url: 'http:\/\/127\.0\.0\.1:\d+\/' holds a user name or password; give them as -H 'Authorization: Basic \.\.\.' instead$/,
  },
  {
    name: 'bounce URL with a user',
    args: ['fire', '--no-sign', '--bounce-url', 'http://hook@127.0.0.1:$PORT/'],
    says: /--bounce-url: .*holds a user name or password/,
  },
  {
    name: 'config URL with credentials',
    args: ['fire', '--no-sign'],
    files: { '.smtpeter-simrc.json': '{ "url": "https://a:b@example.com/hook" }' },
    says: /\.smtpeter-simrc\.json: url: 'https:\/\/example\.com\/hook' holds a user name or password/,
  },
  {
    name: 'replay URL with credentials',
    args: ['replay', 'f.json', '--url', 'http://a:b@127.0.0.1:$PORT/'],
    files: { 'f.json': failureFixture({}) },
    says: /--url: .*holds a user name or password/,
  },
  {
    name: 'URL port 0',
    args: ['fire', '--no-sign', '--url', 'http://127.0.0.1:0/'],
    says: /--url: 'http:\/\/127\.0\.0\.1:0\/': port 0 is not a port/,
  },
  {
    name: 'check URL port 0',
    args: ['check', '--url', 'http://127.0.0.1:0/hook'],
    says: /--url: .*port 0 is not a port/,
  },
  // --- --ca ---
  {
    name: '--ca missing',
    args: [...FIRE, '--ca', 'gone.pem'],
    says: /--ca gone\.pem: cannot read CA file \(ENOENT\)$/,
  },
  {
    name: '--ca not a certificate',
    args: [...FIRE, '--ca', 'garbage.pem'],
    files: KEYS,
    says: /^smtpeter-sim: --ca garbage\.pem: not a certificate \(expected a PEM 'BEGIN CERTIFICATE' block\)$/,
  },
  {
    name: '--ca a private key',
    args: [...FIRE, '--ca', 'private.pem'],
    files: KEYS,
    says: /--ca private\.pem: not a certificate/,
  },
  // --- times ---
  {
    name: '--time a day that does not exist',
    args: [...FIRE, '--time', '2026-02-30T10:00:00Z'],
    says: /^smtpeter-sim: --time: 2026-02-30 is not a date in the calendar, got '2026-02-30T10:00:00Z'$/,
  },
  {
    name: '--time 29 February of a common year',
    args: [...FIRE, '--time', '2027-02-29'],
    says: /--time: 2027-02-29 is not a date in the calendar/,
  },
  {
    name: '--time before 1970',
    args: [...FIRE, '--time', '1969-12-31T23:59:59Z'],
    says: /--time: must be 1970-01-01 or later \(a Unix timestamp\)/,
  },
  {
    name: 'generate --time that does not exist',
    args: ['generate', '--time', '2026-04-31'],
    says: /--time: 2026-04-31 is not a date in the calendar/,
  },
  {
    name: 'generate --time before 1970',
    args: ['generate', '--time', '1900-01-01T00:00:00Z'],
    says: /--time: must be 1970-01-01 or later/,
  },
  // --- input files and folders ---
  {
    name: '--mime a Latin-1 message in a JSON body',
    args: [...FIRE, '--format', 'json', '--mime', 'latin1.eml'],
    files: { 'latin1.eml': LATIN1_EML },
    says: /^smtpeter-sim: --mime latin1\.eml: line 6: byte 0xFC is not UTF-8 \(8-bit text in another charset\), and a JSON body cannot carry it byte for byte: send it with --format form/,
  },
  {
    name: 'fixture mimeFile a Latin-1 message in a JSON body',
    args: ['replay', 'f.json', '--url', '$URL', '--format', 'json'],
    files: { 'f.json': bounceFixture('latin1.eml'), 'latin1.eml': LATIN1_EML },
    says: /f\.json:.*mimeFile.*line 6: byte 0xFC is not UTF-8 .*a JSON body cannot carry it/,
  },
  {
    name: '--mime an 8-bit recipient in no declared charset',
    args: [...FIRE, '--mime', 'nocharset.eml'],
    files: { 'nocharset.eml': eml8bit('', 'X-Failed-Recipients: j\u00fcrgen@example.de') },
    says: /^smtpeter-sim: --mime nocharset\.eml: recipient: line 4: X-Failed-Recipients: byte 0xFC is not UTF-8 and the message declares no charset for this header/,
  },
  {
    name: 'fixture mimeFile an 8-bit recipient in no declared charset',
    args: ['replay', 'f.json', '--url', '$URL'],
    files: {
      'f.json': bounceFixture('nocharset.eml'),
      'nocharset.eml': eml8bit('', 'X-Failed-Recipients: j\u00fcrgen@example.de'),
    },
    says: /f\.json:.*mimeFile.*'nocharset\.eml': line 4: X-Failed-Recipients: byte 0xFC is not UTF-8 and the message declares no charset/,
  },
  {
    name: '--mime an 8-bit envelope in no declared charset',
    args: [...FIRE, '--mime', 'to.eml', '--recipient', 'a@example.de'],
    files: { 'to.eml': eml8bit('', 'X-Failed-Recipients: a@example.de', 'To: b\u00e4nde@example.com') },
    says: /^smtpeter-sim: --mime to\.eml: envelope: line 2: To: byte 0xE4 is not UTF-8 and the message declares no charset/,
  },
  {
    name: '--mime an address not valid in its declared charset',
    args: [...FIRE, '--mime', 'utf8.eml'],
    files: { 'utf8.eml': eml8bit('utf-8', 'X-Failed-Recipients: j\u00fcrgen@example.de') },
    says: /--mime utf8\.eml: recipient: line 4: X-Failed-Recipients: charset=utf-8: the bytes are not valid utf-8$/,
  },
  {
    name: '--mime a charset no decoder knows',
    args: [...FIRE, '--mime', 'klingon.eml'],
    files: { 'klingon.eml': eml8bit('x-klingon', 'X-Failed-Recipients: j\u00fcrgen@example.de') },
    says: /--mime klingon\.eml: recipient: line 4: X-Failed-Recipients: charset=x-klingon: charset 'x-klingon' is not one iconv-lite knows$/,
  },
  {
    name: '--mime an encoded-word in an unknown charset',
    args: [...FIRE, '--mime', 'word.eml'],
    files: {
      'word.eml':
        'From: MAILER-DAEMON@mx.example.de\r\nTo: bounce-abcdef12@bounces.example.com\r\nX-Failed-Recipients: =?x-klingon?Q?j=FCrgen?=@example.de\r\n\r\nundeliverable\r\n',
    },
    says: /--mime word\.eml: recipient: line 3: X-Failed-Recipients: encoded-word =\?x-klingon\?Q\?j=FCrgen\?=: charset 'x-klingon' is not one iconv-lite knows$/,
  },
  {
    name: '--mime a utf-8 Final-Recipient escape that is no code point',
    args: [...FIRE, '--mime', 'dsn.eml'],
    files: {
      'dsn.eml':
        'From: MAILER-DAEMON@mx.example.de\r\nTo: bounce-abcdef12@bounces.example.com\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.de\r\n\r\nFinal-Recipient: utf-8; j\\x{D800}rgen@example.de\r\nAction: failed\r\nStatus: 5.1.1\r\n',
    },
    says: /--mime dsn\.eml: recipient: line 7: Final-Recipient: \\x\{D800\} is not a Unicode code point$/,
  },
  { name: '--mime a folder', args: [...FIRE, '--mime', '.'], says: /--mime \.: is a folder, not a file$/ },
  { name: '--key a folder', args: ['fire', '--url', '$URL', '--key', '.'], says: /--key \.: / },
  { name: '--ca a folder', args: [...FIRE, '--ca', '.'], says: /--ca \.: cannot read CA file \(EISDIR\)$/ },
  { name: 'connections zero', args: [...FIRE, '--connections', '0'], says: /--connections: .*'0'/ },
  { name: 'workers not a number', args: [...FIRE, '--workers', 'some'], says: /--workers: .*'some'/ },
];

describe('bad input: one line, exit 2, nothing sent', () => {
  let receiver: CaptureServer;
  const root = mkdtempSync(join(tmpdir(), 'smtpeter-sim-bad-input-'));
  before(async () => {
    receiver = await startCaptureServer();
  });
  after(async () => {
    // The receiver must not have seen a single call from any row.
    await receiver.close();
    assert.equal(receiver.requests.length, 0, 'a bad input still sent something');
  });

  test('the catalogue has at least 120 rows, each named once', () => {
    assert.ok(ROWS.length >= 120, `${ROWS.length} rows`);
    assert.equal(new Set(ROWS.map((r) => r.name)).size, ROWS.length);
  });

  ROWS.forEach((row, i) => {
    test(row.name, async () => {
      const dir = join(root, String(i));
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(row.files ?? {})) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), text);
      }
      const before = readdirSync(dir, { recursive: true }).sort();
      const port = new URL(receiver.url).port;
      const args = row.args.map((a) =>
        a.replace('$URL', receiver.url).replace('$PORT', port).replace('$DIR', dir),
      );
      const r = await runMain(args, { cwd: dir });
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      assert.equal(r.code, 2, `exit ${r.code}; stderr: ${r.stderr}`);
      assert.equal(lines.length, 1, `want one line, got:\n${r.stderr}`);
      assert.match(lines[0] ?? '', /^smtpeter-sim: /);
      assert.match(lines[0] ?? '', row.says);
      assert.equal(r.stdout, '', 'nothing on stdout');
      assert.deepEqual(readdirSync(dir, { recursive: true }).sort(), before, 'nothing written');
    });
  });
});
