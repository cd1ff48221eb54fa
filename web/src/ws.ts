// ws.ts: the CTI WebSocket (/api/v1/events) with reconnect and resume. It reconnects with
// exponential backoff (0.5 s doubling to 15 s, with jitter), and on every (re)connection the
// server's "hello" re-states who we are and the agent's current state; the topics subscribed
// before are subscribed again. A ping every 20 s detects dead connections. Commands get an id
// and resolve with the server's reply ({"type":"reply","id","ok","error"}).
import { token } from './api';
import type { CtiEvent } from './types';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

export interface Reply {
  type: 'reply';
  id: number;
  ok: boolean;
  error?: { code?: string; message?: string } | string;
  [key: string]: unknown;
}

export class CommandError extends Error {
  constructor(public code: string, message: string) {
    super(message);
  }
}

type Listener = (event: CtiEvent) => void;

export class EventSocket {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void; timer: number }>();
  private listeners = new Set<Listener>();
  private statusListeners = new Set<(s: ConnectionStatus) => void>();
  private topics = new Set<string>();
  private attempt = 0;
  private reconnectTimer = 0;
  private pingTimer = 0;
  private stopped = false;
  status: ConnectionStatus = 'closed';
  lastHello: CtiEvent | null = null;

  constructor(private url: string = EventSocket.defaultUrl()) {}

  static defaultUrl(): string {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const tok = token();
    return `${proto}//${location.host}/api/v1/events${tok ? `?token=${encodeURIComponent(tok)}` : ''}`;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    this.ws?.close(1000, 'bye');
    this.ws = null;
    this.setStatus('closed');
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => this.statusListeners.delete(listener);
  }

  /** Subscribes now (if connected) and again after every reconnection. */
  async subscribe(topics: string[]): Promise<void> {
    topics.forEach((t) => this.topics.add(t));
    if (this.status === 'open') await this.command('subscribe', { topics: [...this.topics] });
  }

  unsubscribe(topics: string[]): void {
    topics.forEach((t) => this.topics.delete(t));
  }

  command(command: string, args: Record<string, unknown> = {}, timeoutMs = 10000): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        reject(new CommandError('offline', 'not connected'));
        return;
      }
      const id = this.nextId++;
      const timer = window.setTimeout(() => {
        this.pending.delete(id);
        reject(new CommandError('timeout', `no reply to ${command}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => (r.ok ? resolve(r) : reject(replyError(r))),
        reject,
        timer,
      });
      this.ws.send(JSON.stringify({ id, command, ...args }));
    });
  }

  private open(): void {
    if (this.stopped) return;
    this.setStatus('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url.includes('token=') ? this.url : EventSocket.defaultUrl());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => this.setStatus('open');
    ws.onmessage = (m) => this.handle(m.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearInterval(this.pingTimer);
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new CommandError('offline', 'connection lost'));
        this.pending.delete(id);
      }
      this.setStatus('closed');
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const base = Math.min(15000, 500 * 2 ** this.attempt);
    this.attempt++;
    const delay = base / 2 + Math.random() * (base / 2);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = window.setTimeout(() => this.open(), delay);
  }

  private handle(data: unknown): void {
    let msg: CtiEvent;
    try {
      msg = JSON.parse(String(data));
    } catch {
      return;
    }
    if (msg.type === 'reply') {
      const reply = msg as unknown as Reply;
      const p = this.pending.get(reply.id);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(reply.id);
        p.resolve(reply);
      }
      return;
    }
    if (msg.type === 'hello') {
      this.attempt = 0;
      this.lastHello = msg;
      this.setStatus('open');
      clearInterval(this.pingTimer);
      this.pingTimer = window.setInterval(() => this.ping(), 20000);
      if (this.topics.size) this.command('subscribe', { topics: [...this.topics] }).catch(() => {});
    }
    for (const l of this.listeners) {
      try {
        l(msg);
      } catch (e) {
        console.error('event listener failed', e);
      }
    }
  }

  private ping(): void {
    this.command('ping', {}, 10000).catch((e: CommandError) => {
      if (e.code === 'timeout') this.ws?.close(4000, 'ping timeout');
    });
  }

  private setStatus(s: ConnectionStatus): void {
    if (this.status === s) return;
    this.status = s;
    for (const l of this.statusListeners) l(s);
  }
}

function replyError(r: Reply): CommandError {
  if (typeof r.error === 'string') return new CommandError(r.error, r.error);
  return new CommandError(r.error?.code ?? 'error', r.error?.message ?? r.error?.code ?? 'failed');
}
