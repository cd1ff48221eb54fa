// views/wrapup.ts: the after-call form: a disposition code and notes, saved to the call's
// record (POST /api/v1/calls/{id}/wrapup; the WebSocket "wrapup" command when that route is
// missing). Stays open after the server's wrap-up time ends, until saved or put off.
import { api, ApiError } from '../api';
import { h, toast } from '../dom';
import { t } from '../i18n';
import type { EventSocket } from '../ws';
import type { OfferedCall } from './screenpop';

export const WRAPUP_CODES = ['resolved', 'follow_up', 'escalated', 'information', 'sales_lead', 'complaint', 'wrong_number', 'other'];

export async function saveWrapup(socket: EventSocket, callId: string, code: string, notes: string): Promise<void> {
  try {
    await api.wrapup(callId, code, notes);
  } catch (e) {
    const err = e as ApiError;
    if (err.status !== 404 && err.status !== 405 && err.status !== 501) throw e;
    // The route may be missing on this server: the WebSocket command does the same.
    try {
      await socket.command('wrapup', { call_id: callId, code, notes });
    } catch {
      throw e;
    }
  }
}

export function wrapupForm(call: OfferedCall, socket: EventSocket, done: () => void, later: (() => void) | null): HTMLElement {
  const code = h(
    'select',
    { 'data-testid': 'wrapup-code', required: true },
    h('option', { value: '' }, t('wrap.choose')),
    WRAPUP_CODES.map((c) => h('option', { value: c }, t(`code.${c}` as 'code.other'))),
  );
  const notes = h('textarea', { rows: 3, 'data-testid': 'wrapup-notes', placeholder: t('wrap.notes') });
  const save = h('button', { type: 'submit', class: 'primary', 'data-testid': 'wrapup-save' }, t('wrap.save'));
  const status = h('span', { class: 'small', 'data-testid': 'wrapup-status', role: 'status' });
  return h(
    'form',
    {
      class: 'wrapup card',
      'data-testid': 'wrapup',
      'data-call-id': call.call_id,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        if (!code.value) {
          status.textContent = t('wrap.need_code');
          status.className = 'small error';
          return;
        }
        save.disabled = true;
        try {
          await saveWrapup(socket, call.call_id, code.value, notes.value);
          toast(t('wrap.saved'), 'ok');
          status.textContent = t('wrap.saved');
          status.className = 'small ok';
          status.dataset.saved = 'true';
          done();
        } catch (err) {
          status.textContent = t('common.error', { message: (err as Error).message });
          status.className = 'small error';
          save.disabled = false;
        }
      },
    },
    h('h3', null, t('wrap.title', { call: `${call.caller} #${call.call_id}` })),
    h('label', null, t('wrap.code'), code),
    h('label', null, t('wrap.notes'), notes),
    h('div', { class: 'row' }, save, later ? h('button', { type: 'button', class: 'link', onclick: later }, t('wrap.dismiss')) : null, status),
  );
}
