// views/admin/tabs.ts: the administration sub-navigation (tabs by role).
import { h } from '../../dom';
import { t } from '../../i18n';
import type { Role } from '../../types';

const TABS: { path: string; key: Parameters<typeof t>[0]; roles: Role[] }[] = [
  { path: '/admin/users', key: 'adm.users', roles: ['admin'] },
  { path: '/admin/agents', key: 'adm.agents', roles: ['supervisor', 'admin'] },
  { path: '/admin/queues', key: 'adm.queues', roles: ['supervisor', 'admin'] },
  { path: '/admin/flows', key: 'adm.flow_editor', roles: ['admin'] },
  { path: '/admin/hours', key: 'adm.hours', roles: ['supervisor', 'admin'] },
  { path: '/admin/recordings', key: 'adm.recordings', roles: ['supervisor', 'admin'] },
];

export function adminTabs(role: Role, current: string): HTMLElement {
  return h(
    'nav',
    { class: 'tabs' },
    TABS.filter((tab) => tab.roles.includes(role)).map((tab) =>
      h('a', { href: `#${tab.path}`, class: tab.path === current ? 'active' : '', 'data-testid': `tab-${tab.path.split('/')[2]}` }, t(tab.key)),
    ),
  );
}
