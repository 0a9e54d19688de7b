// Pure parts of the git server, plus one round trip against the real git (no cluster needed).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { liveRoot } from '../cluster/paths';
import { runCommand } from '../cluster/process';
import { headerEnd, parseCgiHeaders } from './cgi';
import { hmacSha256, receiverRequest } from './receiver';
import { diffRefs, gitBaseUrl, gitBindHost, gitRepoUrl, parseBasicAuth, startGitServer } from './server';

test('parses a CGI header block: Status line and headers', () => {
  const block = 'Status: 404 Not Found\r\nContent-Type: text/plain\r\nExpires: Fri, 01 Jan 1980 00:00:00 GMT';
  assert.deepEqual(parseCgiHeaders(block), {
    status: 404,
    headers: [['Content-Type', 'text/plain'], ['Expires', 'Fri, 01 Jan 1980 00:00:00 GMT']],
  });
  assert.equal(parseCgiHeaders('Content-Type: x').status, 200);
  assert.deepEqual(headerEnd(Buffer.from('A: b\r\n\r\nBODY')), { end: 4, bodyStart: 8 });
  assert.deepEqual(headerEnd(Buffer.from('A: b\n\nBODY')), { end: 4, bodyStart: 6 });
  assert.equal(headerEnd(Buffer.from('A: b\r\n')), undefined);
});

test('basic auth parsing', () => {
  assert.deepEqual(parseBasicAuth(`Basic ${Buffer.from('flux:s3:cret').toString('base64')}`), { username: 'flux', password: 's3:cret' });
  assert.equal(parseBasicAuth(undefined), undefined);
  assert.equal(parseBasicAuth('Bearer x'), undefined);
});

test('diffRefs reports created and moved refs', () => {
  const before = new Map([['refs/heads/main', 'a'], ['refs/heads/old', 'o']]);
  const after = new Map([['refs/heads/main', 'b'], ['refs/heads/old', 'o'], ['refs/heads/new', 'n']]);
  assert.deepEqual(diffRefs('fleet', before, after).map((e) => `${e.ref} ${e.before.slice(0, 1)}->${e.after}`), [
    'refs/heads/main a->b',
    'refs/heads/new 0->n',
  ]);
});

test('receiver requests: generic is unsigned, github and generic-hmac sign the body with the token', () => {
  const push = { repo: 'fleet', ref: 'refs/heads/main', before: 'a', after: 'b' };
  const generic = receiverRequest({ url: 'http://127.0.0.1:1/hook/x', token: 't', type: 'generic' }, push);
  assert.equal(generic.headers['X-Hub-Signature-256'], undefined);
  const github = receiverRequest({ url: 'http://127.0.0.1:1/hook/x', token: 't', type: 'github' }, push);
  assert.equal(github.headers['X-GitHub-Event'], 'push');
  assert.equal(github.headers['X-Hub-Signature-256'], `sha256=${hmacSha256('t', github.body)}`);
  assert.equal(JSON.parse(github.body).after, 'b');
  const hmac = receiverRequest({ url: 'http://127.0.0.1:1/hook/x', token: 't', type: 'generic-hmac' }, push);
  assert.equal(hmac.headers['X-Signature'], `sha256=${hmacSha256('t', hmac.body)}`);
});

test('round trip with real git: create, clone with credentials, push, onPush, receiver call, auth required', async (t) => {
  const src = mkdtempSync(join(tmpdir(), 'gitsrc-'));
  const out = mkdtempSync(join(tmpdir(), 'gitclone-'));
  t.after(() => {
    rmSync(src, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });
  mkdirSync(join(src, 'clusters', 'dev'), { recursive: true });
  writeFileSync(join(src, 'clusters', 'dev', 'sync.yaml'), 'url: https://git.example.invalid/x.git\n');
  // A stand-in Receiver on loopback records what the server sends after a push.
  const hooks: Array<{ headers: Record<string, unknown>; body: string }> = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hooks.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  t.after(() => hook.close());
  const server = await startGitServer();
  t.after(() => server.stop());

  const url = await server.createRepoFrom(src, 'fleet', {
    transform: (path, content) => (path.endsWith('.yaml') ? content.toString().replace('https://git.example.invalid/x.git', 'REPLACED') : undefined),
  });
  assert.equal(url, server.repoUrl('fleet'));
  const { username, password } = server.credentials!;
  const authed = url.replace('http://', `http://${username}:${password}@`);
  const clone = await runCommand('git', ['clone', '--quiet', authed, join(out, 'c')], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  assert.equal(clone.code, 0, clone.output);
  assert.ok(existsSync(join(out, 'c', 'clusters', 'dev', 'sync.yaml')));

  const pushes: string[] = [];
  server.onPush((e) => void pushes.push(e.after));
  const port = (hook.address() as { port: number }).port;
  server.setReceiver({ url: `http://127.0.0.1:${port}/hook/abc`, token: 'tok', type: 'github' });
  const sha = await server.pushCommit('fleet', { 'clusters/dev/new.yaml': 'a: 1\n', 'clusters/dev/sync.yaml': null }, 'second');
  assert.equal(server.head('fleet'), sha);
  assert.deepEqual(pushes, [sha]);
  assert.equal(hooks.length, 1);
  assert.equal(hooks[0].headers['x-github-event'], 'push');
  assert.equal(JSON.parse(hooks[0].body).after, sha);
  assert.deepEqual(server.receiverCalls().map((c) => c.status), [200]);

  const anonymous = await runCommand('git', ['ls-remote', url], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  assert.notEqual(anonymous.code, 0, 'the server requires credentials');
  const root = server.root;
  await server.stop();
  assert.ok(!existsSync(root), 'stop() removes the run folder');
});

test('host option: 127.0.0.1 by default, one named address otherwise, wildcards and junk refused', () => {
  assert.equal(gitBindHost(undefined), '127.0.0.1');
  assert.equal(gitBindHost(' 172.18.0.1 '), '172.18.0.1');
  assert.equal(gitBindHost('[fc00:f853:ccd:e793::1]'), 'fc00:f853:ccd:e793::1');
  assert.equal(gitBindHost('host.docker.internal'), 'host.docker.internal');
  assert.throws(() => gitBindHost(''), /host is empty/);
  assert.throws(() => gitBindHost('0.0.0.0'), /would listen on every interface/);
  assert.throws(() => gitBindHost('::'), /would listen on every interface/);
  assert.throws(() => gitBindHost('127.0.0.1/8'), /is not an IP address or host name/);
});

test('URLs the server hands out use its host: base, clone URL, and the credentialled push URL', () => {
  assert.equal(gitBaseUrl('127.0.0.1', 8080), 'http://127.0.0.1:8080');
  assert.equal(gitBaseUrl('172.18.0.1', 41234), 'http://172.18.0.1:41234');
  assert.equal(gitBaseUrl('fc00::1', 9), 'http://[fc00::1]:9');
  assert.equal(gitRepoUrl('http://172.18.0.1:41234', 'fleet'), 'http://172.18.0.1:41234/fleet.git');
  assert.equal(gitRepoUrl('http://172.18.0.1:41234', 'fleet', { username: 'flux', password: 'p@ss:word' }), 'http://flux:p%40ss%3Aword@172.18.0.1:41234/fleet.git');
  assert.equal(gitRepoUrl('http://[fc00::1]:9', 'apps', { username: 'flux', password: 'x' }), 'http://flux:x@[fc00::1]:9/apps.git');
});

test('a server started with host 127.0.0.1 listens there and every URL it returns names it', async (t) => {
  const src = mkdtempSync(join(tmpdir(), 'gitsrc-'));
  t.after(() => rmSync(src, { recursive: true, force: true }));
  writeFileSync(join(src, 'README.md'), 'hello\n');
  const server = await startGitServer({ host: '127.0.0.1' });
  t.after(() => server.stop());
  assert.equal(server.host, '127.0.0.1');
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(server.repoUrl('docs'), `${server.url}/docs.git`);
  assert.equal(await server.createRepoFrom(src, 'docs'), `${server.url}/docs.git`);
  assert.match(server.head('docs'), /^[0-9a-f]{40}$/, 'the working clone pushed through the same host');
});

test('a bad host fails before anything is created', async () => {
  const ours = () => (existsSync(liveRoot()) ? readdirSync(liveRoot()).filter((d) => d.startsWith(`git-server-${process.pid}-`)) : []);
  const before = ours();
  await assert.rejects(startGitServer({ host: '0.0.0.0' }), /would listen on every interface/);
  assert.deepEqual(ours(), before, 'no run folder left behind');
});
