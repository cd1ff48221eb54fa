// views/admin/config.ts: queues and agents' skills. Administrators edit them here (PUT
// /queues/{name}, DELETE /queues/{name}, PUT /agents/{id}/skills): the change applies at once
// to waiting calls and is kept in the database. Supervisors see the same forms read-only.
// Server errors are shown beside the field they name (field_errors.ts).
import { api, request, type OverflowRule, type QueueSettings } from '../../api';
import type { View } from '../../context';
import { h, replace, toast } from '../../dom';
import { t } from '../../i18n';
import { clearErrors, fieldError, showErrors } from './field_errors';
import { adminTabs } from './tabs';

const STRATEGIES = ['longest_idle', 'round_robin', 'fewest_calls', 'least_talk_time', 'ring_all', 'best_skill', 'random'];
const ACTIONS: OverflowRule['action'][] = ['relax', 'add_queue', 'move', 'voicemail'];

const NEW_QUEUE: QueueSettings = {
  name: '', skills: {}, strategy: 'longest_idle', ring_timeout_s: 20, wrap_up_s: 0, max_wait_s: 0, max_wait_target: '', voicemail: '',
  max_length: 1000, announce_every_s: 30, offer_callback: true, match_language: false, leave_when_empty: true, sticky_window_s: 0,
  sticky_wait_s: 0, overflow: [],
};

const num = (value: number, testid: string, attrs: Record<string, unknown> = {}) =>
  h('input', { type: 'number', value, 'data-testid': testid, class: 'num', ...attrs }) as HTMLInputElement;

/** Rows of (skill, level) with add/remove; read() gives {skill: level}. */
function skillRows(initial: Record<string, number>, levelLabel: string, testid: string, editable: boolean) {
  const rows = h('div', { class: 'rows', 'data-testid': testid });
  const add = (skill = '', level = 1) => {
    const name = h('input', { value: skill, placeholder: 'sales', class: 'skill-name', disabled: !editable, 'data-testid': `${testid}-name` }) as HTMLInputElement;
    const lvl = num(level, `${testid}-level`, { min: 0, max: 100, disabled: !editable });
    const error = fieldError(`skills.${skill}`);
    name.addEventListener('input', () => (error.dataset.errorFor = `skills.${name.value.trim()}`));
    const row = h('div', { class: 'row', 'data-testid': `${testid}-row` }, h('label', null, t('adm.skill'), name), h('label', null, levelLabel, lvl), editable && h('button', { type: 'button', class: 'small', onclick: () => row.remove() }, t('adm.remove')), error);
    rows.appendChild(row);
  };
  Object.entries(initial).forEach(([s, l]) => add(s, l));
  const read = () => {
    const out: Record<string, number> = {};
    rows.querySelectorAll<HTMLElement>('.row').forEach((row) => {
      const [name, level] = row.querySelectorAll('input');
      if (name.value.trim()) out[name.value.trim()] = Number(level.value);
    });
    return out;
  };
  return { el: h('div', null, rows, h('span', { class: 'error small', 'data-error-for': 'skills' }), editable && h('button', { type: 'button', class: 'small', 'data-testid': `${testid}-add`, onclick: () => add() }, t('adm.add_skill'))), read };
}

function queueForm(queue: QueueSettings, names: string[], isNew: boolean, editable: boolean, done: () => void): HTMLElement {
  const general = h('p', { class: 'error', 'data-testid': 'queue-error' });
  const name = h('input', { value: queue.name, disabled: !isNew, 'data-testid': 'queue-name' }) as HTMLInputElement;
  const strategy = h('select', { 'data-testid': 'queue-strategy', disabled: !editable }, STRATEGIES.map((s) => h('option', { value: s, selected: s === queue.strategy }, s))) as HTMLSelectElement;
  const ints: [keyof QueueSettings, string, Record<string, unknown>][] = [
    ['ring_timeout_s', t('adm.seconds_field', { what: t('adm.ring_timeout') }), { min: 1, max: 600 }],
    ['wrap_up_s', t('adm.seconds_field', { what: t('adm.wrap_up') }), { min: 0, max: 3600 }],
    ['max_wait_s', t('adm.seconds_field', { what: t('adm.max_wait') }), { min: 0, max: 86400 }],
    ['announce_every_s', t('adm.announce_every'), { min: 0, max: 3600 }],
    ['max_length', t('adm.max_length'), { min: 1, max: 100000 }],
    ['sticky_window_s', t('adm.sticky_window'), { min: 0, max: 86400 }],
    ['sticky_wait_s', t('adm.sticky_wait'), { min: 0, max: 86400 }],
  ];
  const intInputs = new Map(ints.map(([key, , attrs]) => [key, num(queue[key] as number, `queue-${key}`, { ...attrs, disabled: !editable })]));
  const others = names.filter((n) => n !== queue.name);
  const targetSelect = (value: string, testid: string, empty: string | null) =>
    h('select', { 'data-testid': testid, disabled: !editable }, empty !== null && h('option', { value: '' }, empty), others.map((n) => h('option', { value: n, selected: n === value }, n))) as HTMLSelectElement;
  const maxWaitTarget = targetSelect(queue.max_wait_target, 'queue-max_wait_target', t('adm.to_voicemail'));
  const voicemail = h('input', { value: queue.voicemail, placeholder: queue.name, disabled: !editable, 'data-testid': 'queue-voicemail' }) as HTMLInputElement;
  const bools: [keyof QueueSettings, string][] = [['offer_callback', t('adm.offer_callback')], ['match_language', t('adm.match_language')], ['leave_when_empty', t('adm.leave_when_empty')]];
  const boolInputs = new Map(bools.map(([key]) => [key, h('input', { type: 'checkbox', checked: queue[key] as boolean, disabled: !editable, 'data-testid': `queue-${key}` }) as HTMLInputElement]));
  const skills = skillRows(queue.skills, t('adm.min_level'), 'queue-skills', editable);

  const rules = h('div', { class: 'rows', 'data-testid': 'overflow-rules' });
  const addRule = (rule: OverflowRule = { after_s: 60, action: 'relax', relax_by: 1 }) => {
    const after = num(rule.after_s, 'rule-after', { min: 1, max: 86400, disabled: !editable });
    const action = h('select', { 'data-testid': 'rule-action', disabled: !editable }, ACTIONS.map((a) => h('option', { value: a, selected: a === rule.action }, t(`adm.action.${a}` as 'adm.action.relax')))) as HTMLSelectElement;
    const relax = num(rule.relax_by ?? 1, 'rule-relax', { min: 1, max: 100, disabled: !editable });
    const target = targetSelect(rule.target ?? '', 'rule-target', null);
    const relaxLabel = h('label', null, t('adm.relax_by'), relax);
    const targetLabel = h('label', null, t('adm.target'), target);
    const sync = () => {
      relaxLabel.hidden = action.value !== 'relax';
      targetLabel.hidden = action.value !== 'add_queue' && action.value !== 'move';
    };
    action.addEventListener('change', sync);
    const row = h('div', { class: 'row rule' }, h('label', null, t('adm.after_s'), after), h('label', null, t('adm.action'), action), relaxLabel, targetLabel, editable && h('button', { type: 'button', class: 'small', onclick: () => row.remove() }, t('adm.remove')), h('span', { class: 'error small rule-errors' }));
    rules.appendChild(row);
    sync();
  };
  queue.overflow.forEach((r) => addRule(r));
  // Error slots follow the rules' current positions ("overflow[2].target").
  const numberRules = () =>
    rules.querySelectorAll<HTMLElement>('.rule').forEach((row, i) => {
      row.querySelector<HTMLElement>('.rule-errors')!.dataset.errorFor = `overflow[${i}]`;
      row.querySelectorAll('.rule-field-error').forEach((el) => el.remove());
      for (const f of ['after_s', 'action', 'relax_by', 'target']) {
        const slot = fieldError(`overflow[${i}].${f}`);
        slot.classList.add('rule-field-error');
        row.appendChild(slot);
      }
    });
  const readRules = (): OverflowRule[] =>
    Array.from(rules.querySelectorAll<HTMLElement>('.rule')).map((row) => {
      const [after, relax] = row.querySelectorAll<HTMLInputElement>('input');
      const [action, target] = row.querySelectorAll<HTMLSelectElement>('select');
      const rule: OverflowRule = { after_s: Number(after.value), action: action.value as OverflowRule['action'] };
      if (rule.action === 'relax') rule.relax_by = Number(relax.value);
      if (rule.action === 'add_queue' || rule.action === 'move') rule.target = target.value;
      return rule;
    });

  const form = h(
    'form',
    {
      class: 'card queue-form',
      'data-testid': 'queue-form',
      'data-queue': queue.name,
      // The server checks the values and names the field (a browser check would block the
      // submit without that message).
      novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        numberRules();
        const edited: QueueSettings = {
          ...queue,
          name: name.value.trim(),
          strategy: strategy.value,
          max_wait_target: maxWaitTarget.value,
          voicemail: voicemail.value.trim(),
          skills: skills.read(),
          overflow: readRules(),
        };
        intInputs.forEach((input, key) => ((edited as unknown as Record<string, number>)[key] = Number(input.value)));
        boolInputs.forEach((input, key) => ((edited as unknown as Record<string, boolean>)[key] = input.checked));
        try {
          // A new queue is created with POST: a name that exists is refused (409), not overwritten.
          if (isNew) await request<unknown>('POST', '/queues', { body: edited });
          else await api.putQueue(edited);
          clearErrors(form);
          general.textContent = '';
          toast(t('adm.saved', { name: edited.name }), 'ok');
          done();
        } catch (err) {
          showErrors(form, general, err);
        }
      },
    },
    h('h3', null, isNew ? t('adm.new_queue') : queue.name),
    h('p', { class: 'notice small' }, t('adm.live_note')),
    h('label', null, t('adm.queue_name'), name, fieldError('name')),
    h('label', null, t('adm.strategy'), strategy, fieldError('strategy')),
    ints.map(([key, label]) => h('label', null, label, intInputs.get(key)!, fieldError(String(key)))),
    h('label', null, t('adm.max_wait_target'), maxWaitTarget, fieldError('max_wait_target')),
    h('label', null, t('adm.voicemail_box'), voicemail, fieldError('voicemail')),
    bools.map(([key, label]) => h('label', { class: 'check' }, boolInputs.get(key)!, label)),
    h('h4', null, t('adm.skills')),
    skills.el,
    h('h4', null, t('adm.overflow')),
    rules,
    h('span', { class: 'error small', 'data-error-for': 'overflow' }),
    editable && h('button', { type: 'button', class: 'small', 'data-testid': 'rule-add', onclick: () => addRule() }, t('adm.add_rule')),
    general,
    editable && h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'queue-save' }, t('adm.save')),
      !isNew && h('button', {
        type: 'button', class: 'danger', 'data-testid': 'queue-delete',
        onclick: async () => {
          if (!confirm(t('adm.confirm_delete_queue', { name: queue.name }))) return;
          try {
            await api.deleteQueue(queue.name);
            toast(t('adm.queue_deleted', { name: queue.name }), 'ok');
            done();
          } catch (err) {
            showErrors(form, general, err);
          }
        },
      }, t('adm.delete_queue'))),
  );
  return form;
}

export const queuesView: View = (ctx, root) => {
  const editable = ctx.user.role === 'admin';
  const body = h('tbody', { 'data-testid': 'queues-body' });
  const editor = h('div', { 'data-testid': 'queue-editor' });
  let names: string[] = [];
  const open = async (name: string | null) => {
    try {
      const queue = name ? await api.queueSettings(name) : { ...NEW_QUEUE };
      replace(editor, queueForm(queue, names, !name, editable, load));
    } catch (e) {
      toast(t('common.error', { message: (e as Error).message }), 'error');
    }
  };
  const load = async () => {
    try {
      const queues = await api.queues();
      names = queues.map((q) => q.id);
      replace(editor);
      replace(
        body,
        queues.map((q) =>
          h('tr', { 'data-testid': 'queue-config-row', 'data-queue': q.id },
            h('th', null, q.id),
            h('td', { 'data-field': 'strategy', 'data-value': q.strategy }, q.strategy),
            h('td', null, (q.skills ?? []).map(([s, l]) => `${s} ≥ ${l}`).join(', ') || '–'),
            h('td', { 'data-field': 'ring_timeout_s', 'data-value': q.ring_timeout_s ?? 0 }, t('adm.seconds', { n: q.ring_timeout_s ?? 0 })),
            h('td', { 'data-field': 'wrap_up_s', 'data-value': q.wrap_up_s ?? 0 }, t('adm.seconds', { n: q.wrap_up_s ?? 0 })),
            h('td', { 'data-field': 'max_wait_s', 'data-value': q.max_wait_s ?? 0 }, q.max_wait_s ? t('adm.seconds', { n: q.max_wait_s }) : '–'),
            h('td', null, h('button', { class: 'small', 'data-testid': `queue-edit-${q.id}`, onclick: () => open(q.id) }, t('adm.edit'))),
          ),
        ),
      );
    } catch (e) {
      replace(body, h('tr', null, h('td', { colspan: 7, class: 'error' }, t('common.error', { message: (e as Error).message }))));
    }
  };
  root.appendChild(
    h('div', { class: 'admin' },
      adminTabs(ctx.user.role, '/admin/queues'),
      h('section', { class: 'card' },
        h('h2', null, t('adm.queues')),
        h('table', { class: 'grid' },
          h('thead', null, h('tr', null, [t('adm.queue_name'), t('adm.strategy'), t('adm.skills'), t('adm.ring_timeout'), t('adm.wrap_up'), t('adm.max_wait'), ''].map((c) => h('th', null, c)))),
          body),
        editable && h('button', { class: 'small', 'data-testid': 'queue-new', onclick: () => open(null) }, t('adm.new_queue')),
      ),
      editor,
    ),
  );
  load();
};

export const agentsView: View = (ctx, root) => {
  const editable = ctx.user.role === 'admin';
  const body = h('tbody', { 'data-testid': 'agents-body' });
  const editor = h('div', { 'data-testid': 'skills-editor' });
  const open = (id: string, skills: [string, number][]) => {
    const general = h('p', { class: 'error', 'data-testid': 'skills-error' });
    const rows = skillRows(Object.fromEntries(skills), t('adm.level'), 'agent-skills', editable);
    const form: HTMLFormElement = h('form', {
      class: 'card', 'data-testid': 'skills-form', 'data-agent': id, novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          await api.putSkills(id, rows.read());
          toast(t('adm.saved', { name: id }), 'ok');
          load();
        } catch (err) {
          showErrors(form, general, err);
        }
      },
    }, h('h3', null, `${t('adm.skills')} — ${id}`), h('p', { class: 'notice small' }, t('adm.live_note')), rows.el, general,
    editable && h('button', { type: 'submit', class: 'primary', 'data-testid': 'skills-save' }, t('adm.save')));
    replace(editor, form);
  };
  const load = async () => {
    try {
      const agents = await api.agents();
      replace(editor);
      replace(body, agents.map((a) =>
        h('tr', { 'data-testid': 'agent-row', 'data-agent': a.id },
          h('th', null, a.id), h('td', null, a.name),
          h('td', { 'data-field': 'skills' }, a.skills.map(([s, l]) => `${s}: ${l}`).join(', ') || '–'),
          h('td', null, t(`state.${a.state}` as 'state.ready')),
          h('td', null, h('button', { class: 'small', 'data-testid': `skills-edit-${a.id}`, onclick: () => open(a.id, a.skills) }, t('adm.edit'))))));
    } catch (e) {
      replace(body, h('tr', null, h('td', { colspan: 5, class: 'error' }, t('common.error', { message: (e as Error).message }))));
    }
  };
  root.appendChild(
    h('div', { class: 'admin' },
      adminTabs(ctx.user.role, '/admin/agents'),
      h('section', { class: 'card' },
        h('h2', null, t('adm.agents')),
        h('table', { class: 'grid' }, h('thead', null, h('tr', null, [t('col.agent'), '', t('adm.skills'), t('phone.state'), ''].map((c) => h('th', null, c)))), body)),
      editor),
  );
  load();
};
