// views/admin/users.ts: console users (GET/POST/DELETE /api/v1/users, admin only): list,
// create (user name, password, role, agent number for agents), delete.
import { api, list } from '../../api';
import type { View } from '../../context';
import { h, replace, toast } from '../../dom';
import { t } from '../../i18n';
import { adminTabs } from './tabs';

export const usersView: View = (ctx, root) => {
  const body = h('tbody', { 'data-testid': 'users-body' });
  const username = h('input', { required: true, 'data-testid': 'user-name', autocomplete: 'off' });
  const password = h('input', { type: 'password', required: true, 'data-testid': 'user-password', autocomplete: 'new-password', minlength: 8 });
  const role = h('select', { 'data-testid': 'user-role' }, ['agent', 'supervisor', 'admin'].map((r) => h('option', { value: r }, r)));
  const agent = h('input', { 'data-testid': 'user-agent', placeholder: '1001', size: 6 });
  const load = async () => {
    try {
      const users = list<Record<string, unknown>>(await api.users(), 'users');
      replace(
        body,
        users.map((u) =>
          h(
            'tr',
            { 'data-testid': 'user-row' },
            h('td', null, String(u.username ?? '')),
            h('td', null, String(u.role ?? '')),
            h('td', null, u.agent ? String(u.agent) : '–'),
            h(
              'td',
              null,
              u.username === ctx.user.username
                ? null
                : h(
                    'button',
                    {
                      class: 'small danger',
                      onclick: async () => {
                        if (!confirm(t('adm.confirm_delete', { name: String(u.username) }))) return;
                        try {
                          await api.deleteUser(String(u.username));
                          toast(t('adm.deleted', { name: String(u.username) }), 'ok');
                          load();
                        } catch (e) {
                          toast(t('common.error', { message: (e as Error).message }), 'error');
                        }
                      },
                    },
                    t('adm.delete'),
                  ),
            ),
          ),
        ),
      );
    } catch (e) {
      replace(body, h('tr', null, h('td', { colspan: 4, class: 'error' }, t('common.error', { message: (e as Error).message }))));
    }
  };
  root.appendChild(
    h(
      'div',
      { class: 'admin' },
      adminTabs(ctx.user.role, '/admin/users'),
      h(
        'section',
        { class: 'card' },
        h('h2', null, t('adm.users')),
        h('table', { class: 'grid' }, h('thead', null, h('tr', null, [t('adm.username'), t('adm.role'), t('adm.agent'), ''].map((c) => h('th', null, c)))), body),
      ),
      h(
        'form',
        {
          class: 'card inline-form',
          onsubmit: async (e: Event) => {
            e.preventDefault();
            try {
              await api.createUser({ username: username.value.trim(), password: password.value, role: role.value, agent: agent.value.trim() || null });
              toast(t('adm.created', { name: username.value.trim() }), 'ok');
              username.value = password.value = agent.value = '';
              load();
            } catch (err) {
              toast(t('common.error', { message: (err as Error).message }), 'error');
            }
          },
        },
        h('h3', null, t('adm.create')),
        h('label', null, t('adm.username'), username),
        h('label', null, t('adm.password'), password),
        h('label', null, t('adm.role'), role),
        h('label', null, t('adm.agent'), agent),
        h('button', { type: 'submit', class: 'primary' }, t('adm.create')),
      ),
    ),
  );
  load();
};
