// views/phonebar.ts: the agent's phone bar: current state with time in state, the state
// selector (ready / not ready with a reason / logged out) and the call controls: answer,
// hang up, hold/resume, blind transfer, consult (then complete the transfer, join a
// conference or go back to the caller), conference, click to dial and the keypad. A refused
// command's reason is shown by the desktop.
import { h } from '../dom';
import { t, tr } from '../i18n';
import type { Agent } from '../types';
import { since } from './ticker';

export const NOT_READY_REASONS = ['break', 'lunch', 'training', 'meeting'];

export interface PhoneBarActions {
  setState(state: 'ready' | 'not_ready' | 'logged_out', reason?: string): void;
  command(command: string, args?: Record<string, unknown>): void;
}

export interface ConsultInfo {
  state: 'ringing' | 'talking' | 'conference';
  target: string;
}

export interface CallInfo {
  call_id: string;
  status: 'ringing' | 'talking' | 'ended';
  consult?: ConsultInfo | null;
}

export function phoneBar(agent: Agent, call: CallInfo | null, actions: PhoneBarActions): HTMLElement {
  const select = h(
    'select',
    {
      'data-testid': 'state-select',
      'aria-label': t('phone.set_state'),
      onchange: () => {
        const [state, reason] = select.value.split(':');
        select.value = '';
        actions.setState(state as 'ready' | 'not_ready' | 'logged_out', reason);
      },
    },
    h('option', { value: '' }, `${t('phone.set_state')}…`),
    h('option', { value: 'ready' }, t('state.ready')),
    NOT_READY_REASONS.map((r) => h('option', { value: `not_ready:${r}` }, t('phone.not_ready_reason', { reason: tr('reason', r) }))),
    h('option', { value: 'logged_out' }, t('state.logged_out')),
  );
  const active = call && call.status !== 'ended' ? call : null;
  const onCall = agent.state === 'on_call' || active?.status === 'talking';
  const ringing = agent.state === 'ringing' || active?.status === 'ringing';
  const callId = active?.call_id ?? agent.call_id ?? '';
  const target = h('input', { placeholder: t('phone.target'), 'data-testid': 'call-target', size: 12 });
  const button = (command: string, enabled: boolean, extra: () => Record<string, unknown> = () => ({}), cls = '') =>
    h(
      'button',
      {
        class: cls,
        disabled: !enabled,
        'data-testid': `cmd-${command}`,
        onclick: () => actions.command(command, { call_id: callId || undefined, ...extra() }),
      },
      t(`phone.${command}` as Parameters<typeof t>[0]),
    );
  const reason = agent.state === 'not_ready' && agent.reason ? ` (${tr('reason', agent.reason)})` : '';
  const consult = onCall ? active?.consult ?? null : null;
  // During a consultation the bar offers its endings; otherwise the usual call controls.
  const callControls = consult
    ? [
        h('span', { class: 'consult-status', 'data-testid': 'consult-status', 'data-state': consult.state },
          t(`consult.${consult.state}` as Parameters<typeof t>[0], { target: consult.target })),
        button('complete_transfer', consult.state !== 'ringing'),
        button('conference', consult.state === 'talking' || consult.state === 'ringing'),
        button('cancel_consult', consult.state !== 'conference'),
      ]
    : [
        button('hold', onCall),
        button('resume', onCall),
        target,
        button('transfer', onCall, () => ({ target: target.value })),
        button('consult', onCall, () => ({ target: target.value })),
        button('conference', onCall, () => ({ target: target.value })),
        button('dial', !onCall && agent.state !== 'logged_out', () => ({ number: target.value })),
        button('dtmf', onCall, () => ({ digits: target.value })),
      ];
  return h(
    'section',
    { class: 'phonebar card', 'data-testid': 'phonebar' },
    h(
      'div',
      { class: 'agent-id' },
      h('strong', null, agent.name || agent.id),
      h('span', { class: 'muted' }, ` ${agent.id}`),
      h('div', { class: agent.registered ? 'ok small' : 'warn small', 'data-testid': 'phone-registered' },
        agent.registered ? t('phone.registered') : t('phone.unregistered')),
    ),
    h(
      'div',
      { class: `state-badge state-${agent.state}`, 'data-testid': 'agent-state', 'data-state': agent.state },
      h('span', null, tr('state', agent.state) + reason),
      since(agent.state_since_ms),
    ),
    select,
    h(
      'div',
      { class: 'controls' },
      button('answer', ringing),
      button('hangup', onCall || ringing || !!agent.call_id, () => ({}), 'danger'),
      callControls,
    ),
  );
}
