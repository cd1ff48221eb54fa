// views/desktop.ts: the agent desktop. Keeps the agent's state and current call from the
// CTI events (hello on every (re)connection, agent.state, call.offered/answered/ended) and
// lays out the phone bar, the screen pop, the wrap-up form and the call history. The current
// call and the unfinished wrap-ups survive a page reload (sessionStorage).
import { api, normalizeAgent } from '../api';
import type { View } from '../context';
import { h, replace, toast } from '../dom';
import { t } from '../i18n';
import type { Agent, CtiEvent } from '../types';
import { CommandError } from '../ws';
import { callHistory } from './history';
import { phoneBar, type ConsultInfo } from './phonebar';
import { screenPop, type OfferedCall } from './screenpop';
import { startTicker } from './ticker';
import { wrapupForm } from './wrapup';

const STATE_COMMANDS = new Set(['login', 'logout', 'ready', 'not_ready']);

export const desktopView: View = (ctx, root) => {
  const agentId = ctx.user.agent;
  if (!agentId) {
    root.appendChild(h('p', { class: 'notice', 'data-testid': 'not-agent' }, t('phone.no_agent')));
    return;
  }
  const storeKey = `hotline.desktop.${agentId}`;
  const saved = JSON.parse(sessionStorage.getItem(storeKey) || '{}') as { call?: OfferedCall | null; wrapups?: OfferedCall[] };
  let call: OfferedCall | null = saved.call ?? null;
  let wrapups: OfferedCall[] = saved.wrapups ?? [];
  // A consultation or conference in progress on the current call (call.consult events).
  let consult: ConsultInfo | null = null;
  let agent: Agent = {
    id: agentId,
    name: '',
    state: 'logged_out',
    state_since_ms: 0,
    skills: [],
    calls_handled: 0,
    talk_ms: 0,
    registered: false,
  };
  const persist = () => sessionStorage.setItem(storeKey, JSON.stringify({ call, wrapups }));

  const barSlot = h('div');
  const popSlot = h('div');
  const wrapSlot = h('div');
  const history = callHistory(agentId);
  root.appendChild(
    h(
      'div',
      { class: 'desktop', 'data-testid': 'desktop' },
      barSlot,
      h('div', { class: 'columns' }, h('div', { class: 'col-main' }, popSlot, wrapSlot), h('div', { class: 'col-side' }, history.el)),
    ),
  );

  const renderBar = () =>
    replace(barSlot, phoneBar(agent, call ? { call_id: call.call_id, status: call.status, consult } : null, { setState, command: callCommand }));
  const renderPop = () => replace(popSlot, screenPop(call));
  const renderWrap = () => {
    const next = wrapups[0];
    replace(
      wrapSlot,
      next
        ? wrapupForm(
            next,
            ctx.socket,
            () => {
              wrapups = wrapups.filter((w) => w.call_id !== next.call_id);
              persist();
              renderWrap();
              setTimeout(() => history.refresh().catch(() => {}), 300);
            },
            wrapups.length > 1
              ? () => {
                  wrapups = wrapups.slice(1).concat(next);
                  persist();
                  renderWrap();
                }
              : null,
          )
        : null,
    );
  };
  /** Updates the pop's status in place (a full re-render would look the customer up again). */
  const updatePopStatus = () => {
    const el = popSlot.querySelector<HTMLElement>('[data-testid=screenpop]');
    if (!el || !call || el.dataset.callId !== call.call_id) {
      renderPop();
      return;
    }
    el.dataset.status = call.status;
    el.className = `screenpop card status-${call.status}`;
    const title = el.querySelector('h2')?.firstChild;
    if (title) title.textContent = call.status === 'ringing' ? t('pop.title') : call.status === 'talking' ? t('pop.talking') : t('pop.ended');
  };

  async function fetchAgent(): Promise<void> {
    try {
      const all = await api.agents();
      const me = (Array.isArray(all) ? all : []).find((a) => String(a.id) === agentId);
      if (me) {
        agent = me;
        renderBar();
      }
    } catch {
      /* the events keep the bar up to date */
    }
  }

  async function send(command: string, args: Record<string, unknown> = {}): Promise<void> {
    if (ctx.socket.status === 'open') {
      await ctx.socket.command(command, args);
      return;
    }
    if (!STATE_COMMANDS.has(command)) throw new CommandError('offline', t('conn.closed'));
    const state = command === 'login' ? 'ready' : command === 'logout' ? 'logged_out' : command;
    await api.setAgentState(agentId!, state, args.reason as string | undefined);
  }

  function report(command: string, e: unknown): void {
    const err = e as CommandError;
    if (err.code === 'not_supported') toast(t('phone.not_supported', { command }), 'info');
    else toast(t('phone.failed', { command, message: err.message }), 'error');
  }

  async function setState(state: 'ready' | 'not_ready' | 'logged_out', reason?: string): Promise<void> {
    try {
      if (agent.state === 'logged_out' && state !== 'logged_out') {
        await send('login');
        await fetchAgent();
        if ((agent.state as string) === 'ready' && state === 'ready') return;
      }
      if (state === 'logged_out') await send('logout');
      else if (state === 'ready') await send('ready');
      else await send('not_ready', { reason: reason || 'manual' });
    } catch (e) {
      report(state, e);
    }
    await fetchAgent();
  }

  async function callCommand(command: string, args: Record<string, unknown> = {}): Promise<void> {
    // What the caller entered in the IVR goes along with a transfer or conference.
    if ((command === 'transfer' || command === 'conference') && call) args = { ...args, data: call.data };
    try {
      await send(command, args);
    } catch (e) {
      report(command, e);
    }
  }

  /** After a (re)connection: what happened to the stored call while we were away. */
  function reconcileCall(): void {
    if (!call || call.status === 'ended') return;
    const onIt = !!agent.call_id && String(agent.call_id) === call.call_id;
    if (onIt && agent.state === 'on_call' && call.status === 'ringing') {
      call.status = 'talking';
    } else if (!onIt && !['ringing', 'on_call', 'reserved'].includes(agent.state)) {
      if (call.status === 'talking' && !wrapups.some((w) => w.call_id === call!.call_id)) {
        wrapups.push({ ...call, status: 'ended' });
        renderWrap();
      }
      call.status = 'ended';
    } else {
      return;
    }
    persist();
    updatePopStatus();
    renderBar();
  }

  function isMine(ev: CtiEvent): boolean {
    return ev.agent !== undefined && String(ev.agent) === agentId;
  }

  function onEvent(ev: CtiEvent): void {
    if (ev.type === 'hello') {
      const helloAgent = (ev as unknown as { agent?: Agent | null }).agent;
      if (helloAgent && typeof helloAgent === 'object') {
        agent = normalizeAgent(helloAgent);
        reconcileCall();
        renderBar();
      } else {
        fetchAgent().then(reconcileCall);
      }
      history.refresh().catch(() => {});
      return;
    }
    if (!isMine(ev)) return;
    switch (ev.type) {
      case 'agent.state':
        agent = {
          ...agent,
          state: ev.state ?? agent.state,
          reason: ev.reason ?? '',
          state_since_ms: ev.at_ms ?? Date.now(),
          call_id: ev.state === 'ringing' || ev.state === 'on_call' || ev.state === 'reserved' ? agent.call_id : '',
        };
        renderBar();
        break;
      case 'call.offered':
        call = {
          call_id: String(ev.call_id ?? ''),
          caller: ev.caller ?? '',
          caller_name: ev.caller_name,
          caller_verified: ev.caller_verified,
          queue: ev.queue,
          ivr_path: ev.ivr_path,
          wait_ms: ev.wait_ms,
          data: ev.data ?? {},
          status: 'ringing',
          offered_at: ev.at_ms ?? Date.now(),
        };
        agent = { ...agent, call_id: call.call_id };
        persist();
        renderPop();
        renderBar();
        break;
      case 'call.answered':
        if (!call || call.call_id !== String(ev.call_id)) {
          call = {
            call_id: String(ev.call_id ?? ''),
            caller: ev.caller ?? '',
            caller_verified: ev.caller_verified,
            queue: ev.queue,
            wait_ms: ev.wait_ms,
            data: ev.data ?? {},
            status: 'talking',
            offered_at: ev.at_ms ?? Date.now(),
          };
          renderPop();
        } else {
          call.status = 'talking';
          updatePopStatus();
        }
        persist();
        renderBar();
        setTimeout(() => history.refresh().catch(() => {}), 500);
        break;
      case 'call.consult': {
        const state = String(ev.state ?? '');
        if (state === 'ended') {
          consult = null;
          if (ev.reason && ev.reason !== 'transferred') {
            toast(t('consult.ended', { target: ev.target ?? '', reason: ev.reason }), 'info');
          }
        } else if (state === 'ringing' || state === 'talking' || state === 'conference') {
          consult = { state, target: ev.target ?? '' };
        }
        renderBar();
        break;
      }
      case 'call.ended': {
        const id = String(ev.call_id ?? '');
        consult = null;
        const wasTalking = call && call.call_id === id && call.status === 'talking';
        if (call && call.call_id === id) {
          call.status = 'ended';
          updatePopStatus();
        }
        // Only calls that were answered need a wrap-up (a ring-no-answer does not).
        if (wasTalking && call && !wrapups.some((w) => w.call_id === id)) {
          wrapups.push({ ...call });
          renderWrap();
        }
        agent = { ...agent, call_id: '' };
        persist();
        renderBar();
        setTimeout(() => history.refresh().catch(() => {}), 500);
        break;
      }
    }
  }

  renderBar();
  renderPop();
  renderWrap();
  const off = ctx.socket.on(onEvent);
  if (ctx.socket.lastHello) onEvent(ctx.socket.lastHello);
  fetchAgent().then(reconcileCall);
  history.refresh().catch(() => {});
  const stopTicker = startTicker(root);
  return () => {
    off();
    stopTicker();
  };
};
