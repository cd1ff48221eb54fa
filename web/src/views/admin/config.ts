// views/admin/config.ts: read-only views of the queues (strategy, skills, ring timeout,
// wrap-up, max wait, overflow) and of the agents with their skills (GET /queues, /agents,
// /skills). They are edited in the configuration file for now (no write API).
import { api, list } from '../../api';
import type { View } from '../../context';
import { h, replace } from '../../dom';
import { t } from '../../i18n';
import { adminTabs } from './tabs';

const skillText = (skills: [string, number][] | undefined) => (skills ?? []).map(([s, l]) => `${s} ≥ ${l}`).join(', ') || '–';

export const queuesView: View = (ctx, root) => {
  const body = h('tbody', { 'data-testid': 'queues-body' });
  root.appendChild(
    h(
      'div',
      { class: 'admin' },
      adminTabs(ctx.user.role, '/admin/queues'),
      h(
        'section',
        { class: 'card' },
        h('h2', null, t('adm.queues')),
        h('p', { class: 'notice small' }, t('adm.readonly', { what: t('adm.queues') })),
        h(
          'table',
          { class: 'grid' },
          h('thead', null, h('tr', null, [t('wb.queues'), t('adm.strategy'), t('adm.skills'), t('adm.ring_timeout'), t('adm.wrap_up'), t('adm.max_wait'), t('adm.overflow')].map((c) => h('th', null, c)))),
          body,
        ),
      ),
    ),
  );
  api
    .queues()
    .then((queues) =>
      replace(
        body,
        queues.map((q) =>
          h(
            'tr',
            { 'data-testid': 'queue-config-row' },
            h('th', null, q.id),
            h('td', null, q.strategy),
            h('td', null, skillText(q.skills)),
            h('td', null, t('adm.seconds', { n: q.ring_timeout_s ?? 0 })),
            h('td', null, t('adm.seconds', { n: q.wrap_up_s ?? 0 })),
            h('td', null, q.max_wait_s ? t('adm.seconds', { n: q.max_wait_s }) : '–'),
            h('td', { class: 'small' }, q.overflow ? JSON.stringify(q.overflow) : '–'),
          ),
        ),
      ),
    )
    .catch((e) => replace(body, h('tr', null, h('td', { colspan: 7, class: 'error' }, t('common.error', { message: e.message })))));
};

export const agentsView: View = (ctx, root) => {
  const body = h('tbody', { 'data-testid': 'agents-body' });
  const skills = h('p', { class: 'small', 'data-testid': 'skills-list' });
  root.appendChild(
    h(
      'div',
      { class: 'admin' },
      adminTabs(ctx.user.role, '/admin/agents'),
      h(
        'section',
        { class: 'card' },
        h('h2', null, t('adm.agents')),
        h('p', { class: 'notice small' }, t('adm.readonly', { what: `${t('adm.agents')}` })),
        h('h3', null, t('adm.skills')),
        skills,
        h('table', { class: 'grid' }, h('thead', null, h('tr', null, [t('col.agent'), '', t('adm.skills'), t('phone.state')].map((c) => h('th', null, c)))), body),
      ),
    ),
  );
  api
    .agents()
    .then((agents) =>
      replace(
        body,
        agents.map((a) => h('tr', null, h('th', null, a.id), h('td', null, a.name), h('td', null, skillText(a.skills)), h('td', null, t(`state.${a.state}` as 'state.ready')))),
      ),
    )
    .catch((e) => replace(body, h('tr', null, h('td', { colspan: 4, class: 'error' }, t('common.error', { message: e.message })))));
  api
    .skills()
    .then((s) => {
      const names = list<unknown>(s, 'skills').map((x) => (typeof x === 'string' ? x : String((x as Record<string, unknown>).name ?? (x as Record<string, unknown>).id ?? JSON.stringify(x))));
      skills.textContent = names.join(', ') || '–';
    })
    .catch((e) => (skills.textContent = t('common.error', { message: e.message })));
};
