// views/history.ts: the agent's own calls (GET /api/v1/calls?agent=ID), newest first, with
// "older calls" paging by start time.
import { api } from '../api';
import { dateTime, duration, h, replace, shortTime } from '../dom';
import { t, tr } from '../i18n';
import type { CallRecord } from '../types';

export interface History {
  el: HTMLElement;
  refresh(): Promise<void>;
}

export function callHistory(agentId: string): History {
  const body = h('tbody', { 'data-testid': 'history-body' });
  const more = h('button', { class: 'link', 'data-testid': 'history-more' }, t('hist.more'));
  const empty = h('p', { class: 'muted' }, t('hist.empty'));
  let rows: CallRecord[] = [];
  const render = () => {
    replace(body, rows.map(row));
    empty.hidden = rows.length > 0;
    more.hidden = rows.length === 0 || rows.length % 20 !== 0;
  };
  const load = async (before?: number) => {
    const page = await api.calls({ agent: agentId, limit: 20, before });
    rows = before ? rows.concat(page) : page;
    render();
  };
  more.onclick = () => load(rows[rows.length - 1]?.start_ms).catch(() => {});
  const el = h(
    'section',
    { class: 'history card', 'data-testid': 'history' },
    h('h2', null, t('hist.title'), ' ', h('button', { class: 'link', onclick: () => load().catch(() => {}) }, t('hist.refresh'))),
    h(
      'table',
      { class: 'grid' },
      h('thead', null, h('tr', null, ['col.time', 'col.caller', 'col.queue', 'col.disposition', 'col.wait', 'col.talk', 'col.wrapup', 'col.notes', 'col.survey'].map((k) => h('th', null, t(k as 'col.time'))))),
      body,
    ),
    empty,
    more,
  );
  render();
  return { el, refresh: () => load() };
}

function row(r: CallRecord): HTMLElement {
  return h(
    'tr',
    { 'data-testid': 'history-row', 'data-call-id': r.id },
    h('td', { title: dateTime(r.start_ms) }, shortTime(r.start_ms)),
    h('td', null, r.from_number),
    h('td', null, r.queue || '–'),
    h('td', null, tr('disp', r.disposition)),
    h('td', null, duration(r.wait_ms)),
    h('td', null, duration(r.talk_ms)),
    h('td', { 'data-testid': 'history-wrapup-code' }, tr('code', r.wrapup_code)),
    h('td', { class: 'notes' }, r.notes || ''),
    h('td', null, r.survey_score ?? ''),
  );
}
