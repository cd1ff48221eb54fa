// api.ts: the REST client for /api/v1. JSON in and out; errors become ApiError with the
// server's {"error":{"code","message",...}} fields. The session cookie (hotline_session,
// HttpOnly) authenticates; the token from the login is also kept (sessionStorage) and sent as a
// Bearer header and to the WebSocket as ?token= for servers or proxies that drop cookies.
import type { CallRecord, Customer, Agent, Queue, User } from './types';

export const BASE = '/api/v1';
const TOKEN_KEY = 'hotline.token';

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}
export function setToken(value: string | null): void {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

let onUnauthorized: (() => void) | null = null;
/** Called when a request answers 401 (the session expired): the app shows the login. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

interface RequestOptions {
  body?: unknown;
  raw?: string; // sent as is (YAML)
  contentType?: string;
  text?: boolean; // return the body as text
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const tok = token();
  if (tok) headers.Authorization = `Bearer ${tok}`;
  let body: string | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['Content-Type'] = opts.contentType ?? 'text/plain; charset=utf-8';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(BASE + path, { method, headers, body, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'network', (e as Error).message || 'network error');
  }
  const text = await res.text();
  if (!res.ok) {
    let code = `http_${res.status}`;
    let message = res.statusText || `HTTP ${res.status}`;
    let details: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(text);
      if (parsed && parsed.error) {
        code = parsed.error.code ?? code;
        message = parsed.error.message ?? message;
        details = parsed.error;
      }
    } catch {
      if (text) message = text.slice(0, 300);
    }
    if (res.status === 401 && path !== '/session' && onUnauthorized) onUnauthorized();
    throw new ApiError(res.status, code, message, details);
  }
  if (opts.text) return text as unknown as T;
  if (!text) return undefined as unknown as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as unknown as T;
  }
}

const q = (params: Record<string, string | number | undefined | null>) => {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
};

export interface SessionReply {
  token: string;
  user: User;
}

/** Skills arrive as {"support": 3} or [["support", 3]]: always pairs here. */
export function skillPairs(value: unknown): [string, number][] {
  if (Array.isArray(value)) {
    return value.map((x) => (Array.isArray(x) ? [String(x[0]), Number(x[1])] : [String((x as Record<string, unknown>).skill ?? x), Number((x as Record<string, unknown>).level ?? 0)]));
  }
  if (value && typeof value === 'object') return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, Number(v)]);
  return [];
}

export function normalizeAgent(raw: unknown): Agent {
  const a = raw as Agent & { skills: unknown };
  return { ...a, id: String(a.id), skills: skillPairs(a.skills), call_id: a.call_id ?? '' };
}

/** A queue with today's figures at the top level (the server may nest them under "today"). */
export function normalizeQueue(raw: unknown): Queue {
  const q = raw as Queue & { today?: Partial<Queue>; skills: unknown };
  return { ...q, ...(q.today ?? {}), skills: skillPairs(q.skills), calls: q.calls ?? [] } as Queue;
}

export const api = {
  login: (username: string, password: string) =>
    request<SessionReply>('POST', '/session', { body: { username, password } }),
  logout: () => request<void>('DELETE', '/session'),
  me: () => request<unknown>('GET', '/me'),

  agents: async () => list<unknown>(await request<unknown>('GET', '/agents'), 'agents').map(normalizeAgent),
  setAgentState: (id: string, state: string, reason?: string) =>
    request<unknown>('POST', `/agents/${encodeURIComponent(id)}/state`, { body: { state, reason: reason ?? '' } }),

  queues: async () => list<unknown>(await request<unknown>('GET', '/queues'), 'queues').map(normalizeQueue),
  skills: async () => list<unknown>(await request<unknown>('GET', '/skills'), 'skills'),

  calls: async (params: { limit?: number; agent?: string; queue?: string; disposition?: string; number?: string; before?: number }) =>
    list<CallRecord>(await request<unknown>('GET', `/calls${q(params)}`), 'calls'),
  wrapup: (id: string, code: string, notes: string) =>
    request<unknown>('POST', `/calls/${encodeURIComponent(id)}/wrapup`, { body: { code, notes } }),
  /** The customer the agent picked for the call, kept on the call record (null clears it). */
  callCustomer: async (id: string): Promise<number | null> => {
    const reply = await request<{ call?: { customer_id?: number | null } }>('GET', `/calls/${encodeURIComponent(id)}`);
    return reply.call?.customer_id ?? null;
  },
  setCallCustomer: (id: string, customerId: string | number | null) =>
    request<unknown>('PUT', `/calls/${encodeURIComponent(id)}/customer`, {
      body: { customer_id: customerId === null ? null : Number(customerId) },
    }),

  customersByPhone: async (phone: string) => list<Customer>(await request<unknown>('GET', `/customers${q({ phone })}`), 'customers'),
  customer: async (id: string | number): Promise<Customer> => {
    const reply = await request<Record<string, unknown>>('GET', `/customers/${encodeURIComponent(String(id))}`);
    const customer = (reply.customer ?? reply) as Customer;
    return { ...customer, contacts: list<CallRecord>(reply.contacts ?? customer.contacts ?? []) };
  },

  recordings: async () => list<Record<string, unknown>>(await request<unknown>('GET', '/recordings'), 'recordings'),
  recordingUrl: (id: string | number) => `${BASE}/recordings/${encodeURIComponent(String(id))}/audio`,

  flowNames: () => request<unknown>('GET', '/ivr-flows'),
  flow: (name: string) => request<unknown>('GET', `/ivr-flows/${encodeURIComponent(name)}`),
  saveFlow: (name: string, yaml: string) =>
    request<unknown>('PUT', `/ivr-flows/${encodeURIComponent(name)}`, { raw: yaml, contentType: 'application/yaml' }),

  // Administration of queues, skills and business hours (admin; reads also supervisors).
  queueSettings: async (name: string) => (await request<{ queue: QueueSettings }>('GET', `/queues/${encodeURIComponent(name)}`)).queue,
  putQueue: (queue: QueueSettings) => request<unknown>('PUT', `/queues/${encodeURIComponent(queue.name)}`, { body: queue }),
  deleteQueue: (name: string) => request<unknown>('DELETE', `/queues/${encodeURIComponent(name)}`),
  putSkills: (agent: string, skills: Record<string, number>) => request<unknown>('PUT', `/agents/${encodeURIComponent(agent)}/skills`, { body: { skills } }),
  calendars: (flow: string) => request<FlowCalendars>('GET', `/ivr-flows/${encodeURIComponent(flow)}/calendars`),
  putCalendars: (flow: string, calendars: Record<string, CalendarHours>) =>
    request<FlowCalendars>('PUT', `/ivr-flows/${encodeURIComponent(flow)}/calendars`, { body: { calendars } }),

  users: async () => list<Record<string, unknown>>(await request<unknown>('GET', '/users'), 'users'),
  createUser: (user: { username: string; password: string; role: string; agent?: string | null; display_name?: string }) =>
    request<unknown>('POST', '/users', { body: user }),
  deleteUser: (username: string) => request<unknown>('DELETE', `/users/${encodeURIComponent(username)}`),
};

export interface OverflowRule {
  after_s: number;
  action: 'relax' | 'add_queue' | 'move' | 'voicemail';
  relax_by?: number;
  target?: string;
}

/** A queue's settings as the admin API reads and writes them (docs/api/openapi.yaml). */
export interface QueueSettings {
  name: string;
  skills: Record<string, number>;
  strategy: string;
  ring_timeout_s: number;
  wrap_up_s: number;
  max_wait_s: number;
  max_wait_target: string;
  voicemail: string;
  max_length: number;
  announce_every_s: number;
  offer_callback: boolean;
  match_language: boolean;
  leave_when_empty: boolean;
  sticky_window_s: number;
  sticky_wait_s: number;
  overflow: OverflowRule[];
}

export interface CalendarHours {
  weekly: Record<string, string[]>;
  holidays: string[];
}

export interface FlowCalendars {
  name: string;
  version: number;
  utc_offset: string;
  calendars: Record<string, CalendarHours>;
}

/** Lists arrive as arrays; tolerate {"items":[...]} or {"<name>":[...]} wrappers too. */
export function list<T>(value: unknown, key?: string): T[] {
  if (Array.isArray(value)) return value as T[];
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (key && Array.isArray(obj[key])) return obj[key] as T[];
    for (const k of ['items', 'data', 'results']) if (Array.isArray(obj[k])) return obj[k] as T[];
  }
  return [];
}
