// views/login.ts: the sign-in form (POST /api/v1/session).
import { api, setToken } from '../api';
import { h } from '../dom';
import { currentLang, setLang, t } from '../i18n';
import type { User } from '../types';

export function loginView(onLogin: (user: User) => void): HTMLElement {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, 'data-testid': 'login-username' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'login-password' });
  const error = h('p', { class: 'error', 'data-testid': 'login-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, t('login.submit'));
  const form = h(
    'form',
    {
      class: 'login card',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.textContent = '';
        submit.disabled = true;
        try {
          const reply = await api.login(username.value.trim(), password.value);
          setToken(reply.token);
          onLogin(reply.user);
        } catch (err) {
          error.textContent = t('login.failed', { message: (err as Error).message });
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h1', null, t('login.title')),
    h('label', null, t('login.username'), username),
    h('label', null, t('login.password'), password),
    submit,
    error,
    h('p', { class: 'hint' }, t('login.demo')),
    h(
      'button',
      { type: 'button', class: 'link', onclick: () => setLang(currentLang() === 'en' ? 'zh-CN' : 'en') },
      t('lang.switch'),
    ),
  );
  setTimeout(() => username.focus(), 0);
  return h('div', { class: 'login-page' }, form);
}
