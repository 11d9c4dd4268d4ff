import Database from 'better-sqlite3';

/**
 * Why SQLite tests cannot run here, or false. better-sqlite3 is a native
 * addon built by `npm ci` for the Node.js that ran it; CI then runs the same
 * compiled suite on Node 22 and 24 with that one build, which those versions
 * cannot load (and, offline, cannot rebuild: node-gyp fetches headers). A
 * user's own `npm ci` on 22 or 24 builds it for that version.
 */
export function sqliteUnavailable(): string | false {
  try {
    new Database(':memory:').close();
    return false;
  } catch (err) {
    const why = `better-sqlite3 cannot load on Node ${process.version} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): built for another Node.js version by npm ci`;
    process.stderr.write(`NOTICE: SQLite store tests skipped: ${why}\n`);
    return why;
  }
}
