// A minimal CGI bridge from Node's http server to `git http-backend` (RFC 3875 subset): the
// request becomes environment variables and stdin, the CGI's "Status:"/header block and body
// become the response.
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CgiHeaders {
  status: number;
  headers: Array<[string, string]>;
}

/** Splits a CGI header block ("Status: 200 OK\r\nContent-Type: ...") into status and headers. */
export function parseCgiHeaders(block: string): CgiHeaders {
  let status = 200;
  const headers: Array<[string, string]> = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = parseInt(value, 10) || 200;
    else headers.push([name, value]);
  }
  return { status, headers };
}

/** Index just past the blank line that ends the header block, or -1 when not there yet. */
export function headerEnd(buffer: Buffer): { end: number; bodyStart: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { end: crlf, bodyStart: crlf + 4 };
  if (lf >= 0) return { end: lf, bodyStart: lf + 2 };
  return undefined;
}

/** CGI environment for one request. */
export function cgiEnv(req: IncomingMessage, pathInfo: string, query: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...extra,
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: pathInfo,
    QUERY_STRING: query,
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
  };
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  // git sends large pushes gzip-compressed and negotiates protocol v2 through this header.
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
  if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
  return env;
}

/** Runs the CGI for one request and streams its answer; resolves with the CGI's exit code. */
export function runCgi(program: string, env: NodeJS.ProcessEnv, req: IncomingMessage, res: ServerResponse): Promise<number> {
  return new Promise((resolveCgi) => {
    const child = spawn(program, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let head = Buffer.alloc(0);
    let headersSent = false;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const split = headerEnd(head);
      if (!split) return;
      const { status, headers } = parseCgiHeaders(head.subarray(0, split.end).toString('latin1'));
      res.writeHead(status, headers.flat());
      headersSent = true;
      const body = head.subarray(split.bodyStart);
      if (body.length) res.write(body);
    });
    child.on('close', (code) => {
      if (!headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.write(`git http-backend failed (exit ${code}): ${stderr}`);
      }
      res.end();
      resolveCgi(code ?? 1);
    });
    child.on('error', () => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
      resolveCgi(127);
    });
    req.pipe(child.stdin);
    child.stdin.on('error', () => {}); // the CGI may exit before reading everything
  });
}
