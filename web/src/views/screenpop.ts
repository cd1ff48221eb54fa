// views/screenpop.ts: the screen pop for an offered call: caller, queue, wait, IVR path and
// what the caller entered in the IVR, then the customer record looked up by the caller's
// number with the last contacts. When several customers share the number the agent picks
// one; the choice is remembered for the call (localStorage, by call id) so a reload or a
// reconnection shows the same customer.
import { api, ApiError } from '../api';
import { dateTime, duration, h, money, replace, toast } from '../dom';
import { t, tr } from '../i18n';
import type { CallRecord, Customer } from '../types';

export interface OfferedCall {
  call_id: string;
  caller: string;
  caller_name?: string;
  /** false: the number is not verified (anyone can send it): the customer is a candidate only,
   * shown without balance or account until the caller authenticates in the IVR. */
  caller_verified?: boolean;
  queue?: string;
  ivr_path?: string;
  wait_ms?: number;
  data: Record<string, string>;
  status: 'ringing' | 'talking' | 'ended';
  offered_at: number;
}

const PICK_KEY = 'hotline.pick.';

export function rememberedPick(callId: string): string | null {
  return localStorage.getItem(PICK_KEY + callId);
}

// The pick is kept on the call record (server) and, for an instant re-render, in the browser.
function rememberPick(callId: string, customerId: string | number | null): void {
  api.setCallCustomer(callId, customerId).catch((e) => toast(t('pop.pick_failed', { message: (e as ApiError).message }), 'error'));
  if (customerId === null) localStorage.removeItem(PICK_KEY + callId);
  else localStorage.setItem(PICK_KEY + callId, String(customerId));
  // Keep the last 50 choices only.
  const keys = Object.keys(localStorage).filter((k) => k.startsWith(PICK_KEY));
  if (keys.length > 50) keys.slice(0, keys.length - 50).forEach((k) => localStorage.removeItem(k));
}

/** The screen pop; the customer part fills in asynchronously. */
export function screenPop(call: OfferedCall | null): HTMLElement {
  if (!call) {
    return h('section', { class: 'screenpop card idle', 'data-testid': 'screenpop-idle' }, h('p', { class: 'muted' }, t('pop.idle')));
  }
  const title = call.status === 'ringing' ? t('pop.title') : call.status === 'talking' ? t('pop.talking') : t('pop.ended');
  // When the number matched several customers the IVR's lookup (customer.*, caller_name) is
  // just the first of them: the agent's pick decides, so those are not shown as facts.
  const ambiguous = Number(call.data?.['customer.matches'] ?? 0) > 1;
  const dataRows = Object.entries(call.data ?? {}).filter(
    ([k]) => !['call_id', 'caller'].includes(k) && !(ambiguous && k.startsWith('customer.') && k !== 'customer.matches'),
  );
  const callerName = ambiguous ? '' : call.caller_name;
  const unverified = isUnverified(call);
  const customerBox = h('div', { class: 'customer', 'data-testid': 'customer' }, t('common.loading'));
  const el = h(
    'section',
    { class: `screenpop card status-${call.status}`, 'data-testid': 'screenpop', 'data-call-id': call.call_id, 'data-status': call.status },
    h('h2', null, title, h('span', { class: 'muted small' }, ` #${call.call_id}`)),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, t('pop.caller')),
      h(
        'dd',
        { 'data-testid': 'pop-caller', 'data-verified': unverified ? 'false' : 'true' },
        h('strong', null, call.caller),
        callerName ? ` · ${callerName}` : '',
        unverified ? h('span', { class: 'badge unverified', 'data-testid': 'pop-unverified', title: t('pop.unverified_hint') }, t('pop.unverified')) : null,
      ),
      h('dt', null, t('pop.queue')),
      h('dd', { 'data-testid': 'pop-queue' }, call.queue || '–'),
      h('dt', null, t('pop.waited')),
      h('dd', null, duration(call.wait_ms)),
      h('dt', null, t('pop.ivr_path')),
      h('dd', { class: 'ivr-path', 'data-testid': 'pop-ivr-path' }, (call.ivr_path || '–').split(/[>,/ ]+/).filter(Boolean).join(' › ')),
    ),
    dataRows.length
      ? h(
          'div',
          { class: 'ivr-data', 'data-testid': 'pop-ivr-data' },
          h('h3', null, t('pop.ivr_data')),
          h('table', { class: 'kv' }, dataRows.map(([k, v]) => h('tr', null, h('th', null, k), h('td', null, v)))),
        )
      : null,
    customerBox,
  );
  loadCustomer(call, customerBox);
  return el;
}

async function loadCustomer(call: OfferedCall, box: HTMLElement): Promise<void> {
  let matches: Customer[];
  try {
    const reply = await api.customersByPhone(call.caller);
    matches = Array.isArray(reply) ? reply : [];
  } catch (e) {
    replace(box, h('p', { class: 'error' }, t('pop.lookup_failed', { message: (e as ApiError).message })));
    return;
  }
  if (matches.length === 0) {
    replace(box, h('p', { class: 'muted', 'data-testid': 'customer-unknown' }, t('pop.unknown')));
    return;
  }
  if (matches.length === 1) {
    await showCustomer(matches[0], box, null, call.call_id, isUnverified(call));
    return;
  }
  // Several customers: a remembered choice, or the account the caller keyed in the IVR
  // ("account"). The IVR's own lookup by number (customer.*) just took the first match, so it
  // does not decide.
  let remembered = rememberedPick(call.call_id);
  if (remembered === null) {
    // Picked earlier on another page load or browser: the call record has it.
    const stored = await api.callCustomer(call.call_id).catch(() => null);
    if (stored !== null) remembered = String(stored);
  }
  const account = call.data?.account;
  const chosen =
    matches.find((c) => remembered !== null && String(c.id) === remembered) ??
    (account ? matches.find((c) => c.account_number && c.account_number === account) : undefined);
  if (chosen) {
    await showCustomer(chosen, box, () => pickList(call, matches, box, true), call.call_id, isUnverified(call));
    return;
  }
  pickList(call, matches, box);
}

function pickList(call: OfferedCall, matches: Customer[], box: HTMLElement, clear = false): void {
  if (clear) rememberPick(call.call_id, null);
  replace(
    box,
    h('p', { class: 'pick-title' }, t('pop.pick', { n: matches.length })),
    h(
      'ul',
      { class: 'pick-list', 'data-testid': 'customer-pick-list' },
      matches.map((c) =>
        h(
          'li',
          null,
          h(
            'button',
            {
              class: 'pick',
              'data-testid': 'customer-pick',
              'data-customer-id': c.id,
              onclick: () => {
                rememberPick(call.call_id, c.id);
                showCustomer(c, box, () => pickList(call, matches, box, true), call.call_id, isUnverified(call));
              },
            },
            h('strong', null, c.name),
            c.vip ? h('span', { class: 'badge vip' }, t('cust.vip')) : null,
            h('span', { class: 'muted' }, ` ${isUnverified(call) ? '' : c.account_number || ''} ${(c.tags ?? []).join(', ')}`),
          ),
        ),
      ),
    ),
  );
}

/** The caller's number is not verified and the caller has not authenticated in the IVR. */
function isUnverified(call: OfferedCall): boolean {
  return call.caller_verified === false;
}

async function showCustomer(c: Customer, box: HTMLElement, change: (() => void) | null, currentCallId: string, unverified = false): Promise<void> {
  const contactsBox = h('div', { class: 'contacts', 'data-testid': 'customer-contacts' }, t('common.loading'));
  replace(
    box,
    h(
      'div',
      { class: 'customer-card', 'data-testid': 'customer-card', 'data-customer-id': c.id },
      h(
        'h3',
        { 'data-testid': 'customer-name' },
        c.name,
        c.vip ? h('span', { class: 'badge vip' }, t('cust.vip')) : null,
        unverified ? h('span', { class: 'badge unverified', 'data-testid': 'customer-unverified' }, t('pop.unverified')) : null,
      ),
      unverified ? h('p', { class: 'muted small', 'data-testid': 'customer-unverified-note' }, t('pop.unverified_hint')) : null,
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, t('cust.account')),
        h('dd', { 'data-testid': 'customer-account' }, unverified ? t('pop.hidden') : c.account_number || '–'),
        h('dt', null, t('cust.balance')),
        unverified
          ? h('dd', { 'data-testid': 'customer-balance' }, t('pop.hidden'))
          : h('dd', { class: (c.balance_fen ?? 0) < 0 ? 'neg' : '', 'data-testid': 'customer-balance' }, money(c.balance_fen)),
        h('dt', null, t('cust.language')),
        h('dd', null, c.language || '–'),
        h('dt', null, t('cust.phones')),
        h('dd', null, (c.phones ?? []).join(', ') || '–'),
        h('dt', null, t('cust.tags')),
        h('dd', null, (c.tags ?? []).map((tag) => h('span', { class: 'badge' }, tag))),
      ),
      change ? h('button', { class: 'link', 'data-testid': 'customer-change', onclick: change }, t('pop.change')) : null,
      contactsBox,
    ),
  );
  try {
    const detail = await api.customer(c.id);
    // The call being handled is not one of the customer's earlier contacts.
    renderContacts(contactsBox, (detail.contacts ?? []).filter((r) => String(r.id) !== currentCallId));
  } catch (e) {
    replace(contactsBox, h('p', { class: 'error' }, t('common.error', { message: (e as Error).message })));
  }
}

function renderContacts(box: HTMLElement, contacts: CallRecord[]): void {
  replace(
    box,
    h('h4', null, t('cust.contacts')),
    contacts.length
      ? h(
          'table',
          { class: 'grid small' },
          h('tr', null, ['col.time', 'col.queue', 'col.agent', 'col.disposition', 'col.wrapup', 'col.notes'].map((k) => h('th', null, t(k as 'col.time')))),
          contacts.slice(0, 5).map((r) =>
            h(
              'tr',
              { 'data-testid': 'contact-row' },
              h('td', null, dateTime(r.start_ms)),
              h('td', null, r.queue || '–'),
              h('td', null, r.agent || '–'),
              h('td', null, tr('disp', r.disposition)),
              h('td', null, tr('code', r.wrapup_code)),
              h('td', { class: 'notes' }, r.notes || ''),
            ),
          ),
        )
      : h('p', { class: 'muted' }, t('cust.no_contacts')),
  );
}
