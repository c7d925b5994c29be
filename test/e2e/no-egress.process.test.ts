/**
 * No egress: a render (Node, Chromium and all its processes) sends nothing off loopback. The
 * CLI runs under `strace -ff -e trace=socket,connect,sendto,sendmsg,sendmmsg,write,close` (one
 * file per thread, so no call is split across lines), and every destination is checked:
 *
 * - no DNS query (nothing to port 53, anywhere);
 * - every `connect` and every addressed `sendto`/`sendmsg` goes to 127.0.0.0/8, ::1 or a local
 *   socket (AF_UNIX, netlink);
 * - the one exception Chromium makes and no flag turns off, its IPv6 reachability check (a UDP
 *   socket `connect`ed to 2001:4860:4860::8888 to ask the kernel for a route, then closed), is
 *   allowed only when the socket is a datagram socket of the same thread and nothing is written
 *   or sent on it before it is closed: no packet leaves. Any other off-loopback connect fails.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './run-cli.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-egress-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Whether a strace sockaddr text names loopback or a local socket. */
export function isLocalAddress(addr: string): boolean {
  if (/sa_family=AF_(UNIX|NETLINK|UNSPEC)/.test(addr)) return true;
  const v4 = /inet_addr\("([\d.]+)"\)/.exec(addr);
  if (v4 !== null) return v4[1].startsWith('127.');
  const v6 = /inet_pton\(AF_INET6, "([^"]+)"/.exec(addr);
  if (v6 !== null) return v6[1] === '::1' || /^::ffff:127\./.test(v6[1]);
  return false;
}

interface Finding {
  file: string;
  line: string;
}

/** Checks one thread's trace (see the file header); returns the violations and the allowed route probes. */
export function checkThreadTrace(file: string, text: string): { violations: Finding[]; probes: Finding[] } {
  const violations: Finding[] = [];
  const probes: Finding[] = [];
  const socketType = new Map<number, string>();
  /** Datagram sockets connected off loopback and not closed yet. */
  const open = new Map<number, string>();
  for (const line of text.split('\n')) {
    const socket = /^socket\(\w+, (SOCK_\w+)[^)]*\)\s*=\s*(\d+)/.exec(line);
    if (socket !== null) {
      socketType.set(Number(socket[2]), socket[1]);
      continue;
    }
    const call = /^(connect|sendto|sendmsg|sendmmsg|write|close)\((\d+)/.exec(line);
    if (call === null) continue;
    const [, name, fdText] = call;
    const fd = Number(fdText);
    if (/htons\(53\)/.test(line)) violations.push({ file, line: `DNS: ${line}` });
    if (name === 'close') {
      open.delete(fd);
      socketType.delete(fd);
      continue;
    }
    if (name === 'write' || (name !== 'connect' && !/sa_family=/.test(line))) {
      // Data on a socket connected off loopback: a packet would leave.
      if (open.has(fd)) violations.push({ file, line: `data after ${open.get(fd)}: ${line}` });
      continue;
    }
    const addr = /\{sa_family=[^}]*\}/.exec(line)?.[0] ?? '';
    if (addr === '' || isLocalAddress(addr)) continue;
    if (name === 'connect' && socketType.get(fd) === 'SOCK_DGRAM') {
      open.set(fd, line);
      probes.push({ file, line });
    } else {
      violations.push({ file, line });
    }
  }
  return { violations, probes };
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ code: null, output: `${output}${err.message}` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('no egress', () => {
  it('classifies strace lines', () => {
    const t = [
      'socket(AF_INET6, SOCK_DGRAM, IPPROTO_IP) = 23',
      'connect(23, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = 0',
      'close(23) = 0',
      'socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 24',
      'connect(24, {sa_family=AF_INET, sin_port=htons(35767), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 EINPROGRESS',
    ].join('\n');
    expect(checkThreadTrace('t', t)).toMatchObject({ violations: [], probes: [{ file: 't' }] });
    const leak = checkThreadTrace('t', ['socket(AF_INET6, SOCK_DGRAM, IPPROTO_IP) = 23', t.split('\n')[1], 'write(23, "x", 1) = 1'].join('\n'));
    expect(leak.violations).toHaveLength(1);
    expect(checkThreadTrace('t', 'connect(7, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0').violations).toHaveLength(2);
    expect(checkThreadTrace('t', 'connect(7, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("142.250.1.1")}, 16) = -1 EINPROGRESS').violations).toHaveLength(1);
  });

  it('a render under strace sends nothing off loopback and asks no DNS', async () => {
    const traces = join(tmp, 'trace');
    const out = join(tmp, 'out');
    const r = await run('strace', ['-ff', '-qq', '-e', 'trace=socket,connect,sendto,sendmsg,sendmmsg,write,close', '-o', traces, process.execPath, 'pipeline/launch-cli.mjs', 'render', '--count', '2', '--size', '64', '--out', out]);
    expect(r.code, `strace (apt-get install strace) or the render failed:\n${r.output.slice(-3000)}`).toBe(0);
    const files = (await readdir(tmp)).filter((f) => f.startsWith('trace.'));
    expect(files.length).toBeGreaterThan(10); // Node's and Chromium's threads
    const violations: Finding[] = [];
    let connects = 0;
    for (const f of files) {
      const text = await readFile(join(tmp, f), 'utf8');
      connects += (text.match(/^connect\(/gm) ?? []).length;
      violations.push(...checkThreadTrace(f, text).violations);
    }
    expect(connects).toBeGreaterThan(0); // the page server and DevTools connections were seen
    expect(violations).toEqual([]);
  }, 180_000);
});
