/**
 * The benches' receiver: nginx answering every request with 204 (Debian
 * nginx-light), as bench/run.mjs and bench/lag-windows.mjs start it.
 */
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';

/** A port free on 127.0.0.1 just now. */
export function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** nginx.conf for one worker answering 204 on 127.0.0.1:`port`, its files under `dir`. */
export function nginx204Conf(dir, port) {
  return `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${join(dir, 'nginx-error.log')};
events { worker_connections 4096; }
http {
  access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000; client_body_buffer_size 64k;
  server { listen 127.0.0.1:${port}; location / { return 204; } }
}
`;
}

/** Resolves once something accepts connections on 127.0.0.1:`port` (5 s at most). */
export async function waitForListener(port) {
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((resolve) => {
      const s = new Socket();
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
      s.connect(port, '127.0.0.1');
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
