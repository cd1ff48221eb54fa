// views/admin/hours.ts: business hours of an IVR flow (GET/PUT
// /api/v1/ivr-flows/{name}/calendars): per weekday open/close times, and holidays (a day or a
// range). Saving publishes a new version of the flow (the server splices the calendars into the
// flow's YAML and validates it); refusals are shown beside the day or holiday they name.
import { api, list, type CalendarHours, type FlowCalendars } from '../../api';
import type { View } from '../../context';
import { h, replace, toast } from '../../dom';
import { t } from '../../i18n';
import { fieldError, showErrors } from './field_errors';
import { adminTabs } from './tabs';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

function calendarEditor(name: string, calendar: CalendarHours, editable: boolean) {
  const days = DAYS.map((day) => {
    // One opening range per day in the form; a second range stays as the server has it.
    const [first, ...more] = calendar.weekly[day] ?? [];
    const [opens, closes] = (first ?? '09:00-18:00').split('-');
    const open = h('input', { type: 'checkbox', checked: Boolean(first), disabled: !editable, 'data-testid': `hours-${name}-${day}-open` }) as HTMLInputElement;
    const from = h('input', { type: 'time', value: opens, disabled: !editable, 'data-testid': `hours-${name}-${day}-from` }) as HTMLInputElement;
    const to = h('input', { type: 'time', value: closes === '24:00' ? '23:59' : closes, disabled: !editable, 'data-testid': `hours-${name}-${day}-to` }) as HTMLInputElement;
    const row = h('tr', null, h('th', null, t(`adm.day.${day}` as 'adm.day.mon')), h('td', null, open), h('td', null, from), h('td', null, to),
      h('td', { class: 'small muted' }, more.join(', ')), h('td', null, fieldError(`calendars.${name}.weekly.${day}[0]`), fieldError(`calendars.${name}.weekly.${day}`)));
    const read = (): string[] => {
      if (!open.checked) return [];
      const end = to.value === '23:59' ? '24:00' : to.value;
      return [`${from.value}-${end}`, ...more];
    };
    return { row, day, read };
  });
  const holidays = h('div', { class: 'rows', 'data-testid': `holidays-${name}` });
  const addHoliday = (text = '') => {
    const [a, b] = text.split('..');
    const from = h('input', { type: 'date', value: a ?? '', disabled: !editable, 'data-testid': 'holiday-from' }) as HTMLInputElement;
    const to = h('input', { type: 'date', value: b ?? '', disabled: !editable, 'data-testid': 'holiday-to' }) as HTMLInputElement;
    const row = h('div', { class: 'row holiday' }, h('label', null, t('adm.holiday_from'), from), h('label', null, t('adm.holiday_to'), to),
      editable && h('button', { type: 'button', class: 'small', onclick: () => row.remove() }, t('adm.remove')), h('span', { class: 'error small holiday-error' }));
    holidays.appendChild(row);
  };
  calendar.holidays.forEach((x) => addHoliday(x));
  const read = (): CalendarHours => {
    const weekly: Record<string, string[]> = {};
    for (const d of days) weekly[d.day] = d.read();
    const list: string[] = [];
    holidays.querySelectorAll<HTMLElement>('.holiday').forEach((row) => {
      const [from, to] = row.querySelectorAll('input');
      row.querySelector<HTMLElement>('.holiday-error')!.dataset.errorFor = `calendars.${name}.holidays[${list.length}]`;
      if (from.value) list.push(to.value && to.value !== from.value ? `${from.value}..${to.value}` : from.value);
    });
    return { weekly, holidays: list };
  };
  const el = h('div', { class: 'calendar', 'data-testid': `calendar-${name}` },
    h('h3', null, `${t('adm.calendar')}: ${name}`),
    h('table', { class: 'grid' }, h('thead', null, h('tr', null, ['', t('adm.open_day'), t('adm.opens'), t('adm.closes'), '', ''].map((c) => h('th', null, c)))), h('tbody', null, days.map((d) => d.row))),
    h('p', { class: 'small muted' }, t('adm.midnight_note')),
    h('h4', null, t('adm.holidays')), holidays,
    editable && h('button', { type: 'button', class: 'small', 'data-testid': `holiday-add-${name}`, onclick: () => addHoliday() }, t('adm.add_holiday')));
  return { el, read };
}

export const hoursView: View = (ctx, root) => {
  const editable = ctx.user.role === 'admin';
  const flows = h('select', { 'data-testid': 'hours-flow' }) as HTMLSelectElement;
  const box = h('div', { 'data-testid': 'hours-editor' });
  const load = async () => {
    try {
      const shown: FlowCalendars = await api.calendars(flows.value);
      const general = h('p', { class: 'error', 'data-testid': 'hours-error' });
      const editors = Object.entries(shown.calendars).map(([name, cal]) => ({ name, ...calendarEditor(name, cal, editable) }));
      const form: HTMLFormElement = h('form', {
        class: 'card', 'data-testid': 'hours-form', 'data-flow': shown.name, 'data-version': shown.version, novalidate: true,
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const calendars: Record<string, CalendarHours> = {};
          for (const ed of editors) calendars[ed.name] = ed.read();
          try {
            const saved = await api.putCalendars(shown.name, calendars);
            toast(t('adm.hours_saved', { version: saved.version }), 'ok');
            load();
          } catch (err) {
            showErrors(form, general, err);
          }
        },
      }, h('p', { class: 'notice small' },
        h('strong', { 'data-testid': 'hours-version', 'data-version': shown.version }, t('adm.hours_version', { flow: shown.name, version: shown.version })), ' ',
        t('adm.hours_note', { offset: shown.utc_offset, next: shown.version + 1, flow: shown.name })),
      editors.map((ed) => ed.el), general,
      editable && h('button', { type: 'submit', class: 'primary', 'data-testid': 'hours-save' }, t('adm.save')));
      replace(box, form);
    } catch (e) {
      replace(box, h('p', { class: 'error' }, t('common.error', { message: (e as Error).message })));
    }
  };
  flows.addEventListener('change', load);
  root.appendChild(h('div', { class: 'admin' }, adminTabs(ctx.user.role, '/admin/hours'),
    h('section', { class: 'card' }, h('h2', null, t('adm.hours')), h('label', null, t('adm.flow_name'), flows)), box));
  api.flowNames()
    .then((reply) => {
      const names = list<Record<string, unknown>>(reply, 'flows').map((f) => String(f.name));
      replace(flows, names.map((n) => h('option', { value: n, selected: n === 'demo_hotline' }, n)));
      if (names.length) load();
    })
    .catch((e) => replace(box, h('p', { class: 'error' }, t('common.error', { message: (e as Error).message }))));
};
