// views/wallboard.ts: the supervisor wallboard. Agents (state, time in state, calls handled)
// as a live grid; per queue the waiting count, longest wait and today's offered / answered /
// abandoned, service level and average speed of answer; live charts. The supervisor can
// force an agent not ready or logged out and ask to listen to a call (silent monitor).
// Data: GET /agents and /queues once, then the WebSocket: agent.state and call.* events and
// the "queues" snapshot the server pushes every 2 s to subscribers; agents are re-read every
// 10 s and after every reconnection.
import { api, normalizeQueue } from '../api';
import type { View } from '../context';
import { duration, h, percent, replace, toast } from '../dom';
import { t, tr } from '../i18n';
import type { Agent, CtiEvent, Queue } from '../types';
import type { CommandError } from '../ws';
import type { WallboardCharts } from './charts';
import { STATE_COLORS } from './colors';
import { since, startTicker } from './ticker';

const TODAY_KEYS = ['offered', 'answered', 'abandoned', 'service_level', 'average_speed_of_answer_ms'] as const;

export const wallboardView: View = (ctx, root) => {
  let agents: Agent[] = [];
  let queues: Queue[] = [];
  const kpis = h('div', { class: 'kpis', 'data-testid': 'kpis' });
  const queueBody = h('tbody', { 'data-testid': 'queue-rows' });
  const waitingList = h('div', { class: 'waiting-list', 'data-testid': 'waiting-calls' });
  const agentGrid = h('div', { class: 'agent-grid', 'data-testid': 'agent-grid' });
  const chartCalls = h('div', { class: 'chart', 'data-testid': 'chart-calls' });
  const chartWaiting = h('div', { class: 'chart', 'data-testid': 'chart-waiting' });
  const chartStates = h('div', { class: 'chart', 'data-testid': 'chart-states' });
  const updated = h('span', { class: 'muted small', 'data-testid': 'wb-updated' });
  // The supervisor's own extension: its phone rings to listen to a call (remembered here).
  const myPhone = h('input', {
    class: 'small',
    size: 8,
    'data-testid': 'my-phone',
    'aria-label': t('wb.my_phone'),
    title: t('wb.my_phone'),
    placeholder: t('wb.my_phone'),
    value: localStorage.getItem('hotline.wallboard.phone') ?? '',
    onchange: () => localStorage.setItem('hotline.wallboard.phone', myPhone.value.trim()),
  }) as HTMLInputElement;

  root.appendChild(
    h(
      'div',
      { class: 'wallboard', 'data-testid': 'wallboard' },
      h('h1', null, t('wb.title'), ' ', updated, ' ', h('label', { class: 'muted small my-phone' }, `${t('wb.my_phone')} `, myPhone)),
      kpis,
      h(
        'section',
        { class: 'card' },
        h('h2', null, t('wb.queues')),
        h(
          'table',
          { class: 'grid queues' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              [t('wb.queues'), t('wb.waiting'), t('wb.longest'), t('wb.ringing'), `${t('wb.staffed')} / ${t('wb.idle')}`, t('wb.offered'), t('wb.answered'), t('wb.abandoned'), t('wb.sl'), t('wb.asa')].map((c) => h('th', null, c)),
            ),
          ),
          queueBody,
        ),
      ),
      h(
        'div',
        { class: 'charts' },
        h('section', { class: 'card' }, h('h3', null, t('wb.chart_calls')), chartCalls),
        h('section', { class: 'card' }, h('h3', null, t('wb.chart_waiting')), chartWaiting),
        h('section', { class: 'card' }, h('h3', null, t('wb.chart_states')), chartStates),
      ),
      h('div', { class: 'columns' }, h('section', { class: 'card col-main' }, h('h2', null, t('wb.agents')), agentGrid), h('section', { class: 'card col-side' }, h('h2', null, t('wb.waiting_calls')), waitingList)),
    ),
  );
  // ECharts is loaded only when the wallboard is shown (the desktop does not need it).
  let charts: WallboardCharts | null = null;
  let disposed = false;
  import('./charts').then((m) => {
    if (disposed) return;
    charts = new m.WallboardCharts(chartCalls, chartWaiting, chartStates);
    charts?.updateQueues(queues);
    charts?.updateAgents(agents);
  });

  const sum = (f: (q: Queue) => number | null | undefined) => queues.reduce((n, q) => n + (f(q) ?? 0), 0);
  function weighted(value: (q: Queue) => number | null | undefined, weight: (q: Queue) => number): number | null {
    let total = 0;
    let w = 0;
    for (const q of queues) {
      const v = value(q);
      if (v === null || v === undefined || !isFinite(v) || weight(q) <= 0) continue;
      total += (v <= 1 && value === slOf ? v * 100 : v) * weight(q);
      w += weight(q);
    }
    return w > 0 ? total / w : null;
  }
  const slOf = (q: Queue) => q.service_level;

  function kpi(id: string, label: string, value: string, raw: number | null) {
    return h('div', { class: 'kpi', 'data-testid': `kpi-${id}`, 'data-value': raw ?? '' }, h('div', { class: 'kpi-value' }, value), h('div', { class: 'kpi-label' }, label));
  }

  function renderQueues(): void {
    const waiting = sum((q) => q.waiting);
    const longest = Math.max(0, ...queues.map((q) => q.longest_wait_ms ?? 0));
    const sl = weighted(slOf, (q) => q.offered ?? 0);
    const asa = weighted((q) => q.average_speed_of_answer_ms, (q) => q.answered ?? 0);
    replace(
      kpis,
      kpi('waiting', t('wb.waiting'), String(waiting), waiting),
      kpi('longest', t('wb.longest'), duration(longest), longest),
      kpi('offered', `${t('wb.offered')} (${t('wb.today')})`, String(sum((q) => q.offered)), sum((q) => q.offered)),
      kpi('answered', `${t('wb.answered')} (${t('wb.today')})`, String(sum((q) => q.answered)), sum((q) => q.answered)),
      kpi('abandoned', `${t('wb.abandoned')} (${t('wb.today')})`, String(sum((q) => q.abandoned)), sum((q) => q.abandoned)),
      kpi('sl', t('wb.sl'), percent(sl === null ? null : sl / 100), sl),
      kpi('asa', t('wb.asa'), duration(asa), asa),
    );
    replace(
      queueBody,
      queues.map((q) =>
        h(
          'tr',
          { 'data-testid': 'queue-row', 'data-queue': q.id, class: q.waiting > 0 ? 'has-waiting' : '' },
          h('th', null, q.id),
          h('td', { 'data-testid': 'q-waiting', class: 'num' }, q.waiting ?? 0),
          h('td', { class: 'num' }, duration(q.longest_wait_ms ?? 0)),
          h('td', { class: 'num' }, q.ringing ?? 0),
          h('td', { class: 'num' }, `${q.staffed ?? 0} / ${q.idle ?? 0}`),
          h('td', { 'data-testid': 'q-offered', class: 'num' }, q.offered ?? 0),
          h('td', { 'data-testid': 'q-answered', class: 'num' }, q.answered ?? 0),
          h('td', { 'data-testid': 'q-abandoned', class: 'num' }, q.abandoned ?? 0),
          h('td', { class: 'num' }, percent(q.service_level)),
          h('td', { class: 'num' }, duration(q.average_speed_of_answer_ms)),
        ),
      ),
    );
    const calls = queues.flatMap((q) => (q.calls ?? []).map((c) => ({ ...c, queue: q.id })));
    replace(
      waitingList,
      calls.length
        ? h(
            'ul',
            null,
            calls.map((c) =>
              h(
                'li',
                { 'data-testid': 'waiting-call' },
                h('strong', null, c.caller),
                ` · ${c.queue} · ${t('wb.position', { n: c.position })} · ${duration(c.waited_ms)} · ${t('wb.expected', { time: duration(c.expected_wait_ms) })}`,
                c.callback ? h('span', { class: 'badge' }, t('wb.callback')) : null,
              ),
            ),
          )
        : h('p', { class: 'muted' }, t('wb.no_waiting')),
    );
    updated.textContent = new Date().toLocaleTimeString();
    charts?.updateQueues(queues);
  }

  async function force(agent: Agent, state: 'not_ready' | 'logged_out'): Promise<void> {
    try {
      await api.setAgentState(agent.id, state, state === 'not_ready' ? 'supervisor' : undefined);
      toast(t('wb.forced', { agent: agent.id, state: tr('state', state) }), 'ok');
      await loadAgents();
    } catch (e) {
      toast(t('common.error', { message: (e as Error).message }), 'error');
    }
  }

  async function listen(agent: Agent): Promise<void> {
    const phone = myPhone.value.trim();
    if (!phone) {
      toast(t('wb.need_phone'), 'info');
      myPhone.focus();
      return;
    }
    try {
      await ctx.socket.command('listen', { agent: agent.id, phone });
      toast(t('wb.listening', { phone, agent: agent.id }), 'ok');
    } catch (e) {
      const err = e as CommandError;
      if (err.code === 'not_supported' || err.code === 'unknown_command') toast(t('phone.not_supported', { command: t('wb.listen') }), 'info');
      else toast(t('common.error', { message: err.message }), 'error');
    }
  }

  function renderAgents(): void {
    const sorted = [...agents].sort((a, b) => String(a.id).localeCompare(String(b.id)));
    replace(
      agentGrid,
      sorted.map((a) => {
        const busy = a.state === 'on_call';
        return h(
          'div',
          { class: `agent-tile state-${a.state}`, 'data-testid': 'agent-tile', 'data-agent': a.id, 'data-state': a.state, style: `border-left-color: ${STATE_COLORS[a.state] ?? '#666'}` },
          h('div', { class: 'tile-head' }, h('strong', null, a.id), ' ', h('span', null, a.name)),
          h(
            'div',
            { class: 'tile-state' },
            h('span', { class: `state-dot` , style: `background: ${STATE_COLORS[a.state] ?? '#666'}` }),
            h('span', { 'data-testid': 'tile-state' }, tr('state', a.state)),
            a.state === 'not_ready' && a.reason ? h('span', { class: 'muted' }, ` (${tr('reason', a.reason)})`) : null,
            ' ',
            since(a.state_since_ms),
          ),
          h(
            'div',
            { class: 'tile-foot small muted' },
            t('wb.calls_handled', { n: a.calls_handled ?? 0 }),
            ' · ',
            duration(a.talk_ms ?? 0),
            a.registered ? null : h('span', { class: 'warn' }, ` · ${t('wb.not_registered')}`),
          ),
          h(
            'div',
            { class: 'tile-actions' },
            h('button', { class: 'small', disabled: a.state === 'logged_out' || a.state === 'not_ready', 'data-testid': 'force-not-ready', onclick: () => force(a, 'not_ready') }, t('wb.force_not_ready')),
            h('button', { class: 'small', disabled: a.state === 'logged_out', 'data-testid': 'force-logout', onclick: () => force(a, 'logged_out') }, t('wb.force_logout')),
            h('button', { class: 'small', disabled: !busy, 'data-testid': 'listen', onclick: () => listen(a) }, t('wb.listen')),
          ),
        );
      }),
    );
    charts?.updateAgents(agents);
  }

  async function loadAgents(): Promise<void> {
    try {
      agents = await api.agents();
      renderAgents();
    } catch (e) {
      replace(agentGrid, h('p', { class: 'error' }, t('common.error', { message: (e as Error).message })));
    }
  }

  async function loadQueues(): Promise<void> {
    try {
      queues = await api.queues();
      renderQueues();
    } catch (e) {
      replace(queueBody, h('tr', null, h('td', { colspan: 10, class: 'error' }, t('common.error', { message: (e as Error).message }))));
    }
  }

  function onEvent(ev: CtiEvent): void {
    if (ev.type === 'hello') {
      loadAgents();
      loadQueues();
      return;
    }
    if (ev.type === 'queues' && Array.isArray(ev.queues)) {
      // The pushed snapshot is live state only; today's figures (offered, answered...) come
      // from GET /queues and are kept until the next read.
      const before = new Map(queues.map((q) => [q.id, q]));
      queues = ev.queues.map((raw) => {
        const fresh = normalizeQueue(raw);
        const old = before.get(fresh.id);
        const merged = { ...(old ?? {}), ...fresh } as Queue;
        for (const key of TODAY_KEYS) if ((fresh as unknown as Record<string, unknown>)[key] === undefined && old) (merged as unknown as Record<string, unknown>)[key] = old[key];
        return merged;
      });
      renderQueues();
      return;
    }
    if (ev.type === 'agent.state' && ev.agent) {
      const a = agents.find((x) => String(x.id) === String(ev.agent));
      if (a) {
        a.state = ev.state ?? a.state;
        a.reason = ev.reason ?? '';
        a.state_since_ms = ev.at_ms ?? Date.now();
        if (ev.state !== 'on_call' && ev.state !== 'ringing' && ev.state !== 'reserved') a.call_id = '';
        renderAgents();
      } else {
        loadAgents();
      }
      return;
    }
    if ((ev.type === 'call.offered' || ev.type === 'call.answered') && ev.agent) {
      const a = agents.find((x) => String(x.id) === String(ev.agent));
      if (a) a.call_id = ev.call_id;
      return;
    }
    if (ev.type === 'call.ended' || ev.type === 'queue.changed') {
      // The 2 s snapshot follows; figures like calls handled come with the next agents read.
      if (ev.type === 'call.ended') {
        setTimeout(loadAgents, 500);
        setTimeout(loadQueues, 1000);
      }
    }
  }

  const off = ctx.socket.on(onEvent);
  ctx.socket.subscribe(['agents', 'queues']).catch(() => {});
  loadAgents();
  loadQueues();
  // Agents every 10 s (calls handled, phones registered); today's queue figures every 5 s
  // (a call counts once its record is closed).
  let ticks = 0;
  const refresh = window.setInterval(() => {
    loadQueues();
    if (++ticks % 2 === 0) loadAgents();
  }, 5000);
  const stopTicker = startTicker(root);
  return () => {
    off();
    ctx.socket.unsubscribe(['agents', 'queues']);
    clearInterval(refresh);
    stopTicker();
    disposed = true;
    charts?.dispose();
  };
};
