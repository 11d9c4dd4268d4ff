/**
 * What bench/undici-loop.mjs and bench/net-loop.mjs share: their arguments,
 * the body, and the CPU clock (whole run, and leaving out the first second:
 * start-up, module and parser compilation, connecting).
 */

/** `URL [connections=50] [seconds=5] [bodyBytes=450] [pipelining=1]`; exits 2 without a URL. */
export function loopArgs(script) {
  const [urlText, connText = '50', secText = '5', sizeText = '450', pipeText = '1'] = process.argv.slice(2);
  if (!urlText) {
    process.stderr.write(
      `usage: node bench/${script} URL [connections] [seconds] [bodyBytes] [pipelining]\n`,
    );
    process.exit(2);
  }
  return {
    url: new URL(urlText),
    connections: Number(connText),
    seconds: Number(secText),
    body: Buffer.from(
      `id=${'0'.repeat(32)}&type=failure&recipient=x%40example.com&description=`.padEnd(
        Number(sizeText),
        'x',
      ),
    ),
    pipelining: Number(pipeText),
  };
}

/** Start the clock; the function it returns stops it and gives the figures. */
export function cpuClock(requestsDone) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let warm;
  setTimeout(() => {
    warm = { cpu: process.cpuUsage(), done: requestsDone() };
  }, 1000);
  return () => {
    const done = requestsDone();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const warmCpu = warm ? process.cpuUsage(warm.cpu) : undefined;
    return {
      requests: done,
      seconds,
      rate: done / seconds,
      cpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, done),
      warmCpuUsPerRequest: warmCpu ? (warmCpu.user + warmCpu.system) / Math.max(1, done - warm.done) : null,
    };
  };
}
