// A stand-in for hotline's HTTP/WebSocket API (/api/v1, the shapes hotline answers with),
// for working on the console without the telephony: serves web/dist, keeps agents, queues,
// calls and customers in memory, and simulates calls offered to an agent.
//
//   node tests/e2e/mock-server.mjs --port 8090 [--sync DIR]
//
// A call from NUMBER is offered to the first ready agent when DIR/ready-N appears (what
// desktop.e2e.mjs writes; the numbers come from the file's content), or on
// POST /mock/call {"caller": "13700137000"}. It is answered 2.5 s later and ends on the
// WebSocket "hangup" command. Only for development and for checking the e2e script itself:
// the real test (tests/integration/test_console_e2e.py) runs against hotline.
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => (i % 2 ? a : [...a, [v.replace(/^--/, ''), all[i + 1]]]), []));
const PORT = Number(args.port || 8090);
const DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));
const now = () => Date.now();

const users = [
  { username: 'admin', password: 'demo-admin', role: 'admin', agent: null },
  { username: 'supervisor', password: 'demo-supervisor', role: 'supervisor', agent: null },
  ...Array.from({ length: 10 }, (_, i) => ({ username: String(1001 + i), password: `demo${1001 + i}`, role: 'agent', agent: String(1001 + i) })),
];
const names = ['李明', '王芳', '李娜', '张伟', '刘洋', '陈静', '赵敏', '杨磊', '黄丽', '周杰'];
const agents = names.map((name, i) => ({ id: String(1001 + i), name, state: 'logged_out', reason: '', state_since_ms: now() - 60000 * i,
  call_id: null, skills: { support: 1 + (i % 3), sales: i % 2 }, calls_handled: 0, talk_ms: 0, registered: i === 2 }));
const queues = ['support', 'vip', 'sales', 'operator'].map((id) => ({ id, strategy: 'best_skill', skills: { support: 1 }, ring_timeout_s: 15,
  wrap_up_s: 2, max_wait_s: 300, waiting: 0, ringing: 0, staffed: 0, idle: 0, longest_wait_ms: 0, average_handle_ms: 0, calls: [],
  today: { offered: 3, answered: 2, abandoned: 1, service_level: 0.67, average_speed_of_answer_ms: 8000 } }));
const customers = [
  { id: 1, name: '李明 Li Ming', phones: ['1001', '13800138000'], account_number: '6222020001', balance_fen: 12345678, vip: true, language: 'zh', tags: ['wealth'] },
  { id: 3, name: '王秀英 Wang Xiuying', phones: ['1003', '13700137000'], account_number: '6222020003', balance_fen: 880, vip: false, language: 'zh', tags: ['elderly'] },
  { id: 5, name: '张丽 Zhang Li', phones: ['1005', '13800138000'], account_number: '6222020005', balance_fen: 150000, vip: false, language: 'zh', tags: [] },
];
const calls = [];
const sessions = new Map();
const sockets = new Set();
let nextCall = 100;

function setState(agent, state, reason = '') {
  const previous = agent.state;
  Object.assign(agent, { state, reason, state_since_ms: now() });
  broadcast({ type: 'agent.state', agent: agent.id, state, previous_state: previous, reason, at_ms: now() });
}

function offer(caller) {
  const agent = agents.find((a) => a.state === 'ready');
  if (!agent) return console.log(`mock: nobody ready for ${caller}`);
  const queue = caller === '13800138000' ? 'vip' : 'support';
  const q = queues.find((x) => x.id === queue);
  q.today.offered++;
  const id = String(nextCall++);
  const record = { id: Number(id), from_number: caller, to_number: '100', start_ms: now() - 9000, answer_ms: now() - 9000, end_ms: null,
    disposition: 'answered', queue, wait_ms: 4000, agent: agent.id, talk_ms: null, wrapup_ms: null, survey_score: null,
    ivr_path: 'welcome>set_chinese>main_menu>support_queue', wrapup_code: null, notes: null };
  calls.unshift(record);
  agent.call_id = id;
  setState(agent, 'ringing');
  const base = { agent: agent.id, call_id: id, queue, caller, at_ms: now() };
  broadcast({ type: 'call.offered', ...base, caller_name: '', ivr_path: record.ivr_path, wait_ms: 4000, data: { language: 'zh', 'menu.main': '2' } });
  setTimeout(() => {
    setState(agent, 'on_call');
    q.today.answered++;
    broadcast({ type: 'call.answered', ...base, at_ms: now(), wait_ms: 4000 });
  }, 2500);
}

function hangup(agent) {
  const record = calls.find((c) => String(c.id) === agent.call_id);
  if (!record) return false;
  record.end_ms = now();
  record.talk_ms = 12000;
  agent.calls_handled++;
  agent.talk_ms += 12000;
  broadcast({ type: 'call.ended', agent: agent.id, call_id: agent.call_id, queue: record.queue, caller: record.from_number, reason: 'agent', at_ms: now() });
  agent.call_id = null;
  setState(agent, 'after_call_work');
  setTimeout(() => agent.state === 'after_call_work' && setState(agent, 'ready'), 2000);
  return true;
}

// --- WebSocket (RFC 6455, text frames only)
function wsSend(sock, obj) {
  const data = Buffer.from(JSON.stringify(obj));
  const head = data.length < 126 ? Buffer.from([0x81, data.length])
    : data.length < 65536 ? Buffer.from([0x81, 126, data.length >> 8, data.length & 255])
      : (() => { const b = Buffer.alloc(10); b[0] = 0x81; b[1] = 127; b.writeBigUInt64BE(BigInt(data.length), 2); return b; })();
  sock.write(Buffer.concat([head, data]));
}
function broadcast(obj) {
  for (const s of sockets) wsSend(s.sock, obj);
}
function wsFrames(state, chunk, onText) {
  state.buf = Buffer.concat([state.buf, chunk]);
  for (;;) {
    const b = state.buf;
    if (b.length < 2) return;
    const op = b[0] & 15;
    let len = b[1] & 127;
    let off = 2;
    if (len === 126) { if (b.length < 4) return; len = b.readUInt16BE(2); off = 4; }
    else if (len === 127) { if (b.length < 10) return; len = Number(b.readBigUInt64BE(2)); off = 10; }
    const masked = b[1] & 128;
    const mask = masked ? b.subarray(off, off + 4) : null;
    off += masked ? 4 : 0;
    if (b.length < off + len) return;
    const payload = Buffer.from(b.subarray(off, off + len));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
    state.buf = b.subarray(off + len);
    if (op === 8) return onText(null);
    if (op === 1) onText(payload.toString());
  }
}

function userOf(req) {
  const cookie = /hotline_session=([^;]+)/.exec(req.headers.cookie || '')?.[1];
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization || '')?.[1];
  const query = new URL(req.url, 'http://x').searchParams.get('token');
  return sessions.get(cookie) || sessions.get(bearer) || sessions.get(query) || null;
}

function command(client, msg) {
  const user = client.user;
  const agent = agents.find((a) => a.id === user.agent);
  const ok = (extra = {}) => wsSend(client.sock, { type: 'reply', id: msg.id, ok: true, ...extra });
  const no = (code, message) => wsSend(client.sock, { type: 'reply', id: msg.id, ok: false, error: { code, message } });
  switch (msg.command) {
    case 'ping': return ok();
    case 'subscribe': client.topics = new Set(msg.topics || []); return ok();
    case 'login': if (!agent) return no('no_agent', 'not an agent'); setState(agent, 'ready'); return ok();
    case 'logout': setState(agent, 'logged_out'); return ok();
    case 'ready': setState(agent, 'ready'); return ok();
    case 'not_ready': setState(agent, 'not_ready', msg.reason || 'manual'); return ok();
    case 'hangup': return hangup(agent) ? ok() : no('no_call', 'no call to hang up');
    case 'wrapup': {
      const c = calls.find((x) => String(x.id) === String(msg.call_id));
      if (!c) return no('not_found', 'no call');
      Object.assign(c, { wrapup_code: msg.code, notes: msg.notes });
      return ok();
    }
    default: return no('not_supported', `${msg.command} is not supported yet`);
  }
}

setInterval(() => {
  for (const q of queues) { q.staffed = agents.filter((a) => !['logged_out', 'not_ready'].includes(a.state)).length; q.idle = agents.filter((a) => a.state === 'ready').length; }
  for (const s of sockets) if (s.topics.has('queues')) wsSend(s.sock, { type: 'queues', queues });
}, 2000);

// Calls placed when the e2e script says the agent is ready.
const placed = new Set();
if (args.sync) setInterval(() => {
  for (const f of existsSync(args.sync) ? readdirSync(args.sync) : []) {
    if (f.startsWith('ready-') && !placed.has(f)) { placed.add(f); setTimeout(() => offer(readFileSync(join(args.sync, f), 'utf8').trim()), 1000); }
  }
}, 200);

function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const path = url.pathname;
  let body = '';
  for await (const c of req) body += c;
  const data = (() => { try { return JSON.parse(body || '{}'); } catch { return {}; } })();
  if (path === '/api/v1/session' && req.method === 'POST') {
    const u = users.find((x) => x.username === data.username && x.password === data.password);
    if (!u) return json(res, 401, { error: { code: 'invalid_credentials', message: 'wrong username or password' } });
    const token = randomBytes(16).toString('hex');
    const user = { username: u.username, role: u.role, agent: u.agent };
    sessions.set(token, user);
    return json(res, 200, { token, user }, { 'Set-Cookie': `hotline_session=${token}; HttpOnly; SameSite=Strict; Path=/` });
  }
  if (path === '/mock/call' && req.method === 'POST') { offer(data.caller || '13700137000'); return json(res, 200, {}); }
  if (path.startsWith('/api/')) {
    const user = userOf(req);
    if (!user) return json(res, 401, { error: { code: 'unauthorized', message: 'sign in first' } });
    let m;
    if (path === '/api/v1/session' && req.method === 'DELETE') { return json(res, 204); }
    if (path === '/api/v1/me') return json(res, 200, { user, agent: agents.find((a) => a.id === user.agent) ?? null });
    if (path === '/api/v1/agents') return json(res, 200, { agents: agents.filter((a) => user.role !== 'agent' || a.id === user.agent) });
    if ((m = /^\/api\/v1\/agents\/(\w+)\/state$/.exec(path))) {
      const a = agents.find((x) => x.id === m[1]);
      setState(a, data.state, data.reason || '');
      return json(res, 200, { agent: a });
    }
    if (path === '/api/v1/queues') return json(res, 200, { queues });
    if (path === '/api/v1/skills') return json(res, 200, { skills: [{ skill: 'support', queues: ['support'], agents: ['1001'] }, { skill: 'sales', queues: ['sales'], agents: [] }] });
    if (path === '/api/v1/calls') {
      const agent = url.searchParams.get('agent');
      return json(res, 200, { calls: calls.filter((c) => !agent || c.agent === agent).slice(0, Number(url.searchParams.get('limit') || 50)) });
    }
    if ((m = /^\/api\/v1\/calls\/(\w+)\/wrapup$/.exec(path))) {
      const c = calls.find((x) => String(x.id) === m[1]);
      if (!c) return json(res, 404, { error: { code: 'not_found', message: 'no call' } });
      Object.assign(c, { wrapup_code: data.code, notes: data.notes });
      const a = agents.find((x) => x.id === c.agent);
      if (a?.state === 'after_call_work') setState(a, 'ready');
      return json(res, 200, { call: c });
    }
    if (path === '/api/v1/customers') return json(res, 200, { customers: customers.filter((c) => c.phones.includes(url.searchParams.get('phone'))) });
    if ((m = /^\/api\/v1\/customers\/(\d+)$/.exec(path))) {
      const c = customers.find((x) => String(x.id) === m[1]);
      return json(res, 200, { customer: c, contacts: calls.filter((r) => c.phones.includes(r.from_number)) });
    }
    if (path === '/api/v1/users') return json(res, 200, { users: users.map(({ password, ...u }) => u) });
    if (path === '/api/v1/recordings') return json(res, 200, { recordings: [] });
    if (path === '/api/v1/ivr-flows') return json(res, 200, { flows: [{ name: 'demo_hotline', latest_version: 1 }] });
    if ((m = /^\/api\/v1\/ivr-flows\/(\w+)$/.exec(path))) {
      if (req.method === 'PUT') {
        const bad = body.split('\n').findIndex((l) => l.includes('type: bogus'));
        if (bad >= 0) return json(res, 422, { error: { code: 'invalid_flow', message: 'unknown node type "bogus"', line: bad + 1, node: 'main_menu' } });
        return json(res, 201, { name: m[1], version: 2 });
      }
      const seed = fileURLToPath(new URL('../../config/flows/demo_hotline.yaml', import.meta.url));
      return json(res, 200, { name: m[1], version: 1, yaml: readFileSync(seed, 'utf8') });
    }
    return json(res, 404, { error: { code: 'not_found', message: `no route for ${req.method} ${path}` } });
  }
  const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
  if (!file.startsWith(DIST) || !existsSync(file) || !statSync(file).isFile()) return json(res, 404, { error: { code: 'not_found', message: 'no file' } });
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
  res.writeHead(200, { 'Content-Type': types[extname(file)] || 'application/octet-stream' });
  res.end(readFileSync(file));
});

server.on('upgrade', (req, sock) => {
  const user = userOf(req);
  if (!user || !req.url.startsWith('/api/v1/events')) { sock.end('HTTP/1.1 401 Unauthorized\r\n\r\n'); return; }
  const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  const client = { sock, user, topics: new Set() };
  sockets.add(client);
  wsSend(sock, { type: 'hello', user, agent: agents.find((a) => a.id === user.agent) ?? null });
  const state = { buf: Buffer.alloc(0) };
  sock.on('data', (chunk) => wsFrames(state, chunk, (text) => {
    if (text === null) { sock.end(); return; }
    try { command(client, JSON.parse(text)); } catch (e) { console.error(e); }
  }));
  const drop = () => sockets.delete(client);
  sock.on('close', drop);
  sock.on('error', drop);
});

server.listen(PORT, '127.0.0.1', () => console.log(`mock hotline API on http://127.0.0.1:${PORT}`));
