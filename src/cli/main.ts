import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { UsageError } from '../model/errors.js';
import {
  addExclusive,
  exclusiveMessage,
  FIRE_EXCLUSIVE,
  GENERATE_EXCLUSIVE,
  REPLAY_EXCLUSIVE,
} from './exclusive-flags.js';
import { collect, nonEmpty, refuseFlagAsValue } from './flags.js';
import { type CliIO, PROCESS_IO } from './io.js';
import {
  addSharedOptions,
  DISORDER_OPTIONS,
  GENERATE_OPTIONS,
  RETRY_OPTIONS,
  type SharedOption,
  URL_OPTIONS,
} from './options.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The send flags fire and replay share after the URLs (check takes a subset). */
const SEND_FLAGS: readonly SharedOption[] = [
  'header',
  'format',
  'dialect',
  'key',
  'copernica-id',
  'key-id',
  'no-sign',
  'signed-headers',
  'digest-case',
  'timeout',
  'insecure',
  'transport',
  'ca',
  'config',
];

/** What a command returns: its exit code. */
type Action = (...args: never[]) => Promise<number> | number;

/**
 * The program; `outcome.exitCode` is set by the command that ran. Commands
 * load lazily and get `io` in place of commander's trailing Command argument.
 */
/** Wraps a lazily loaded command: it gets `io` in place of commander's trailing Command argument. */
type Runner = <A extends Action>(load: () => Promise<A>) => (...args: unknown[]) => Promise<void>;

/**
 * The program; `outcome.exitCode` is set by the command that ran. Commands
 * load lazily and get `io` in place of commander's trailing Command argument.
 */
export function buildProgram(io: CliIO = PROCESS_IO, outcome = { exitCode: 0 }): Command {
  const run: Runner =
    (load) =>
    async (...args) => {
      outcome.exitCode = await (await load())(...([...args.slice(0, -1), io] as never[]));
    };
  const program = new Command('smtpeter-sim')
    .description(
      "Simulate SMTPeter's webhook calls (failure, bounce, delivery, open, click, abuse), encoded and signed like the real thing, and run a local SMTPeter (serve) whose mail comes back as them.",
    )
    .version(pkg.version)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHelpWidth: () => io.stdout.columns,
      getErrHelpWidth: () => io.stderr.columns,
      outputError: (message, write) => write(errorLine(message)),
    })
    .exitOverride()
    .hook('preAction', (_program, command) => refuseFlagAsValue(command));
  defineFire(program, run);
  defineListen(program, run);
  defineCheck(program, run);
  defineScenarios(program, run);
  defineKeysAndConfig(program, run);
  defineReplay(program, run);
  addSharedOptions(
    program
      .command('dns')
      .description('serve the signing keys as DNS TXT records (DKIM form), as Copernica does'),
    ['dns-port', 'dns-zone', 'key', 'key-id'],
    {
      key: { description: "publish this RSA private key's public half too, at --key-id" },
      'key-id': {
        description: 'the name --key is published at (default: smtpeter1._domainkey.copernica.com)',
      },
    },
  ).action(run(async () => (await import('./dns-command.js')).dnsCommand));
  defineGenerate(program, run);
  defineServe(program, run);
  defineMerge(program, run);
  program
    .command('schema')
    .description('print the JSON Schema of fixture files')
    .action(run(async () => (await import('./schema-command.js')).schemaCommand));
  return program;
}

/**
 * One line per problem, like our own usage errors: exclusive flags in our
 * words; otherwise commander's message (its "Did you mean" suggestion comes
 * on a line of its own) plus the hint.
 */
function errorLine(message: string): string {
  const exclusive = exclusiveMessage(message);
  if (exclusive) return `smtpeter-sim: ${exclusive}\n`;
  const text = message
    .replace(/^error: /, '')
    .trim()
    .replace(/\s*\n\(Did you mean (.*)\?\)/, '; did you mean $1?')
    .replace(/\s*\n\s*/g, ' ');
  return `smtpeter-sim: ${text} (see --help)\n`;
}

function defineFire(program: Command, run: Runner): void {
  const fire = program
    .command('fire')
    .description('generate calls and POST them to a receiver (the embedded one when no --url is given)');
  addSharedOptions(fire, GENERATE_OPTIONS, {
    seed: { description: 'reproduce the same events byte for byte (default: random)' },
    time: {
      description:
        'event time of the first call: an ISO date, or now (default: now; a fixed instant with --seed)',
    },
  }).option('--mta <name>', 'alias of --style', nonEmpty('--mta'));
  addSharedOptions(fire, URL_OPTIONS);
  addLoadOptions(fire);
  addFireOutputOptions(fire);
  addSharedOptions(fire, [...RETRY_OPTIONS, ...DISORDER_OPTIONS]).option(
    '--delay <dist>',
    'extra wait before each call, drawn from --seed: fixed:200ms, uniform:0-500ms, exp:100ms (mean), normal:200ms,50ms',
  );
  addSharedOptions(fire, SEND_FLAGS);
  addExclusive(fire, FIRE_EXCLUSIVE).action(
    run(async () => {
      const { fireCommand } = await import('./fire-command.js');
      return (opts: Parameters<typeof fireCommand>[0] & { mta?: string }, io: CliIO) => {
        if (opts.mta && opts.style && opts.mta !== opts.style)
          throw new UsageError('--mta and --style disagree');
        return fireCommand({ ...opts, ...(opts.mta ? { style: opts.mta } : {}) }, io);
      };
    }),
  );
}

/** fire: how many calls, how paced, over how many senders and sockets, built where. */
function addLoadOptions(fire: Command): void {
  fire
    .option('-n, --count <n>', 'number of calls (default: 1, or unbounded with --duration/--stages)')
    .option('--duration <duration>', 'keep sending for this long, with a unit: 30s, 5m')
    .option(
      '--rate <rate>',
      'open model: start calls at this rate whatever the receiver does: 500/s, 600/m, 2/h (a bare number is per second)',
    )
    .option('--stages <list>', 'open model, ramping: duration:rate stages, e.g. 10s:100/s,30s:1000/s,10s:0/s')
    .option(
      '--max-in-flight <n>',
      'open model: requests in flight at most; a call due beyond it is dropped (default: 1000)',
    )
    .option(
      '-c, --concurrency <n>',
      'closed model: this many senders, each as fast as answered (default: 10)',
    )
    .option(
      '--connections <n>',
      'sockets per receiver (default: the concurrency or max in flight, over --pipelining)',
    )
    .option(
      '--pipelining <n>',
      'HTTP/1.1 pipelining: write up to N requests ahead on a socket before their answers, as autocannon -p and wrk do (default: 1, none)',
    )
    .option(
      '--shard <K/N>',
      'send only the K-th (from 0) of N disjoint slices of the seeded run (needs --seed); N shards together send exactly its calls, an open rate split between them',
    )
    .option(
      '--processes <n>',
      'run as N shard processes on this machine (one per core), merged into one report',
    )
    .option(
      '--mix <list>',
      'weighted mix, e.g. failure=70,bounce=25,ooo=5, delivery=60,open=25,click=8,failure=5,bounce=2, sync-userunknown=3,dsn-userunknown=1, or campaign',
    )
    .option(
      '--threshold <expr>',
      "fail (exit 1) unless it holds: 'p99<250ms', 'errors<1%', 'rate>=500/s', '5xx<1%' (repeatable)",
      collect,
    );
}

/** fire: reports, logs, signals, build threads, heavy and captured messages, dry runs. */
function addFireOutputOptions(fire: Command): void {
  fire
    .option('--out <file>', 'write the JSON report to this file')
    .option('--log <file>', 'one NDJSON line per request, written as the run goes')
    .option(
      '-v, --verbose',
      "a line per call with the receiver's answer under it: status, headers, the body's first KB",
    )
    .option('--grace <duration>', 'on SIGINT/SIGTERM wait this long for requests in flight (default: 5s)')
    .option('-q, --quiet', 'no line per call, the summary only')
    .option(
      '--workers <n>',
      'threads that generate, encode and sign calls; 0 = all on the main thread (default: 0 up to 1000 calls; above that one per core when signing, at most 8, else 1 or 2, leaving a core for sending)',
    )
    .option('--sign-workers <n>', 'older name of --workers')
    .option(
      '--attachment-size <size>',
      'heavy bounces: the returned message carries an attachment of this size, e.g. 2MB (DSNs and non-standard bounces only)',
    )
    .option(
      '--mime <file>',
      'send this captured message (.eml) as a bounce call, fields inferred from it (repeatable)',
      collect,
    )
    .option(
      '--rotate-every <duration>',
      'a compressed month: the key folder gets a new selector every this long during the run (the old one stays published one more period), e.g. 2s',
    )
    .option('--dry-run', 'print the HTTP requests, send nothing')
    .option('--json', 'machine-readable summary on stdout');
}

function defineListen(program: Command, run: Runner): void {
  const listen = program
    .command('listen')
    .description('a local receiver that prints, validates and verifies every call')
    .option('-p, --port <port>', 'port, 0 for any free one (default: 8025)')
    .option('--host <host>', 'address to bind (default: 127.0.0.1)')
    .option('--public-key <file>', 'verify Digest and Signature with this public key (PEM)')
    .option('--status <code>', 'HTTP status to answer valid calls with (default: 200)')
    .option('--accept-invalid', 'answer --status to invalid calls too (default: 400 with the problems)');
  addSharedOptions(listen, ['dialect', 'copernica-id'], {
    dialect: { description: 'insist on one dialect (default: any, detected per call)' },
    'copernica-id': { description: 'with --public-key: refuse calls whose X-Copernica-ID is not this' },
  }).option('--json', 'one JSON line per call');
  addSharedOptions(listen, ['dns-port', 'dns-zone'])
    .option(
      '--resolve-keys [resolver]',
      "verify each call with the key DNS publishes at its keyId (under copernica.com only), as Copernica's verifier does: through this resolver (host:port), or --dns-port's responder",
    )
    .option(
      '--no-ui',
      'no web page of the calls at GET / (the page, its API and NDJSON export are on by default)',
    )
    .action(run(async () => (await import('./listen-command.js')).listenCommand));
}

function defineCheck(program: Command, run: Runner): void {
  const check = program
    .command('check')
    .description('conformance suite: prove a receiver accepts valid calls and refuses forged ones');
  addSharedOptions(check, ['url', 'key'], {
    url: { description: 'receiver URL to check (required)' },
    key: { description: 'RSA private key (PEM) the receiver trusts (default: the generated pair)' },
  }).option('--public-key <file>', 'the public key the receiver verifies with: must match --key');
  addSharedOptions(
    check,
    [
      'copernica-id',
      'key-id',
      'dialect',
      'format',
      'header',
      'timeout',
      'insecure',
      'transport',
      'ca',
      'config',
      'dns-port',
    ],
    {
      'copernica-id': { description: 'X-Copernica-ID the receiver expects (default: environment-1234)' },
      'dns-port': {
        description:
          "run the keyId checks: serve the run's key, an attacker's and rotated ones as DNS TXT records on this port (0 = any; the receiver must resolve keys through it)",
      },
      dialect: { choices: ['smtpeter', 'marketing-suite'] },
    },
  )
    .option('--json', 'machine-readable scorecard on stdout')
    .option(
      '--kinds <list>',
      'also check calls of these kinds: delivery,open,click,abuse or all (default: failure and bounce only)',
    )
    .action(run(async () => (await import('./check-command.js')).checkCommand));
}

function defineScenarios(program: Command, run: Runner): void {
  const scenarios = program.command('scenarios').description('list the scenario catalogue');
  addSharedOptions(scenarios, ['type'], { type: { description: 'only scenarios producing this call type' } })
    .option('--json', 'as a JSON array')
    .action(run(async () => (await import('./scenarios-command.js')).scenariosCommand));
}

/** `keys generate`, `keys show`; and `config`, which shows the settings those keys and the rest come from. */
function defineKeysAndConfig(program: Command, run: Runner): void {
  const keys = program.command('keys').description('signing keys');
  keys
    .command('generate')
    .description('write a new RSA-2048 key pair (PEM) and print the DKIM TXT record')
    .option(
      '--out <dir>',
      'folder for smtpeter-sim.key and smtpeter-sim.pub (default: the key folder fire uses)',
    )
    .option('--force', 'replace a key pair already there (default: refuse; its DKIM record may be published)')
    .action(run(async () => (await import('./keys-command.js')).keysGenerateCommand));
  keys
    .command('show')
    .description('the default key pair fire signs with, and its DKIM TXT record')
    .action(run(async () => (await import('./keys-command.js')).keysShowCommand));
  keys
    .command('rotate')
    .description(
      'a new selector and key sign from now on; the old key stays published in DNS for a grace period',
    )
    .option(
      '--grace <duration>',
      'how long the old key stays published, e.g. 168h, 10m, 0 (default: 168h, a week)',
    )
    .action(run(async () => (await import('./keys-command.js')).keysRotateCommand));
  program
    .command('config')
    .description('print the effective settings and where each came from')
    .option('--config <file>', 'config file (default: search from the current folder)')
    .option('--json', 'as JSON')
    .action(run(async () => (await import('./config-command.js')).configCommand));
}

function defineReplay(program: Command, run: Runner): void {
  const replay = program
    .command('replay')
    .description('send the calls of fixture files (or folders of them) in order; all are checked first')
    .argument('<paths...>', 'fixture files (.json, .ndjson) or folders');
  addSharedOptions(replay, URL_OPTIONS)
    .option('--realtime', 'keep the recorded spacing (at, delay, event times)')
    .option('--speed <factor>', 'as recorded, this much faster, e.g. 10x (implies --realtime)')
    .option('--rate <rate>', 'evenly paced instead: 50/s, 600/m, 2/h (a bare number is per second)')
    .option('--keep-time', 'send the recorded times (default: each file rebased to now)')
    .option('--dry-run', 'check the fixtures and print the HTTP requests, send nothing')
    .option('-q, --quiet', 'no line per call, the summary only')
    .option('--json', 'machine-readable results on stdout')
    .addOption(new Option('--reporter <name>', 'report format (default: text)').choices(['text', 'junit']))
    .option(
      '--out <file>',
      'write the report to this file: the JSON report (as --json prints it), or with --reporter junit the XML',
    )
    .option('--grace <duration>', 'on SIGINT/SIGTERM wait this long for the call in flight (default: 5s)');
  addSharedOptions(replay, [...RETRY_OPTIONS, ...DISORDER_OPTIONS, 'seed'], {
    seed: {
      description: 'seeds --duplicate, --reorder and retry jitter (default: random, printed in the summary)',
    },
  });
  addSharedOptions(replay, SEND_FLAGS, {
    dialect: { description: 'payload shape when a fixture names none (default: smtpeter)' },
  });
  addExclusive(replay, REPLAY_EXCLUSIVE).action(
    run(async () => (await import('./replay-command.js')).replayCommand),
  );
}

function defineMerge(program: Command, run: Runner): void {
  program
    .command('merge')
    .description(
      'combine shard reports (fire --shard K/N --out FILE) into one: counts added, percentiles from the merged histograms, thresholds on the whole',
    )
    .argument('<reports...>', 'the shard reports')
    .option(
      '--threshold <expr>',
      "judge the merged run by this instead of the shards' own thresholds (repeatable)",
      collect,
    )
    .option('--out <file>', 'write the merged report (mergeable again) to this file')
    .option('--json', 'machine-readable summary on stdout')
    .action(run(async () => (await import('./merge-command.js')).mergeCommand));
}

function defineGenerate(program: Command, run: Runner): void {
  const generate = program
    .command('generate')
    .description('write generated calls as a fixture file, ready to replay (same seed, same bytes)')
    .option('-n, --count <n>', 'number of calls (default: 1)');
  addSharedOptions(generate, GENERATE_OPTIONS, {
    seed: { description: 'seed (default: random, recorded in the file)' },
    time: {
      description: 'event time of the first call: an ISO date, or now (default: 2026-01-15T09:30:00Z)',
    },
  })
    .addOption(
      new Option(
        '--format <format>',
        'json, or ndjson for long sequences (default: from --out, else json)',
      ).choices(['json', 'ndjson']),
    )
    .option('-o, --out <file>', 'write here instead of stdout')
    .option('--mix <list>', 'weighted mix of kinds or scenarios, as fire --mix (e.g. campaign)');
  addExclusive(generate, GENERATE_EXCLUSIVE).action(
    run(async () => (await import('./generate-command.js')).generateCommand),
  );
}

/**
 * A reader of stdout that went away (`| head -1`) ends the process at once
 * and quietly, status 0, as git and ripgrep do: the reader had what it
 * wanted. Any other stdout error is one line and status 1. A closed stderr
 * only stops the notices: the run and its exit status go on.
 */
export function exitQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    process.stderr.write(`smtpeter-sim: cannot write to stdout (${err.code ?? err.message})\n`);
    process.exit(1);
  });
  process.stderr.on('error', () => {});
}

/**
 * Entry point: parse, run, map errors to exit codes (2 usage, 1 failure).
 * `io` other than the process's runs the CLI in-process (tests); the exit
 * code is returned, never passed to process.exit.
 */
export async function main(argv: string[], io: CliIO = PROCESS_IO): Promise<number> {
  if (io === PROCESS_IO) exitQuietlyOnClosedPipe();
  const outcome = { exitCode: 0 };
  const program = buildProgram(io, outcome);
  try {
    await program.parseAsync(argv);
    return outcome.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      // `help` asked for is 0; help shown because the command was missing (`keys` alone) is a usage error.
      if (err.code === 'commander.help') return err.exitCode === 0 ? 0 : 2;
      return 2; // commander already printed one line
    }
    if (err instanceof UsageError) {
      io.stderr.write(`smtpeter-sim: ${err.message}\n`);
      return 2;
    }
    io.stderr.write(`smtpeter-sim: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return 70;
  }
}

function defineServe(program: Command, run: Runner): void {
  const serve = program
    .command('serve')
    .description(
      'a local SMTPeter: mail sent through its REST and SMTP APIs comes back as the webhooks it causes',
    )
    .option('--api-port <port>', 'REST API, tracking links and the page (default: 8026; 0 = any free port)')
    .option('--smtp-port <port>', 'SMTP submission with STARTTLS (default: 2525; 0 = any free port)')
    .option('--host <host>', 'address to bind (default: 127.0.0.1)')
    .option('--token <token>', 'REST access_token (default: generated on first use and kept)')
    .option('--smtp-user <user>', 'SMTP AUTH user (default: generated on first use and kept)')
    .option('--smtp-pass <password>', 'SMTP AUTH password (default: generated on first use and kept)')
    .option('--tls-cert <file>', 'STARTTLS certificate, PEM (default: a self-signed one for localhost)')
    .option('--tls-key <file>', 'its private key, PEM')
    .option(
      '--time-scale <factor>',
      'mail time runs this much faster: 600 = an hour takes 6 s (default: 600)',
    )
    .option('--seed <seed>', 'repeat ids, fates and drawn details (default: random)')
    .option(
      '--outcomes <file>',
      'fates by domain or pattern with weights, JSON (default: every other address delivered)',
    )
    .option('--no-verify-webhooks', 'POST /v1/webhook takes a URL without fetching its verification file')
    .option('--max-size <size>', 'largest message or request, e.g. 10MB (default: 10MB)')
    .option('--keep <n>', 'messages kept in memory, the oldest evicted (default: 100000)')
    .option(
      '--sign-workers <n>',
      'threads that sign webhook calls (default: one per core; 0: the event loop)',
    )
    .option(
      '--data-dir <dir>',
      'keep messages, events and pending calls in SQLite here; a restart resumes them',
    )
    .option('--log <file>', 'one NDJSON line per webhook attempt');
  // serve's calls retry on the mail ladder by default, not fire's none: its help says so.
  addSharedOptions(serve, [...URL_OPTIONS, ...RETRY_OPTIONS, 'defects'], {
    retries: {
      description:
        'retry a call this many times on refused/reset/timeout/network errors, 5xx, 429 and 408 (default: 10, the ladder 1m 5m 15m 30m 1h 2h 4h 8h 16h 24h at --time-scale; given alone: exponential backoff from --retry-base)',
    },
    'retry-max': {
      description:
        'longest wait before a retry, Retry-After included (default: none on the ladder; 30s with --retries or --retry-base alone)',
    },
    'retry-schedule': {
      description:
        "a mail platform's retry ladder (1m 5m 15m 30m 1h 2h 4h 8h 16h 24h) time-compressed: real[:FACTOR] (FACTOR default: 600, 1m → 100ms), or a list such as 100ms,1s,5s (default: real at --time-scale)",
    },
  });
  // serve's webhook client is undici's (one pool for every kind); --transport would be silently ignored.
  addSharedOptions(
    serve,
    SEND_FLAGS.filter((f) => f !== 'transport'),
  ).action(run(async () => (await import('./serve-command.js')).serveCommand));
}
