// main.ts: start-up. Asks the server who is signed in (GET /me); shows the login page or the
// console: a header (navigation by role, connection indicator, language switch, sign out)
// above the routed view.
import './styles.css';
import { api, setToken, setUnauthorizedHandler } from './api';
import type { Ctx } from './context';
import { h, replace } from './dom';
import { currentLang, onLangChange, setLang, t } from './i18n';
import { Router, type Route } from './router';
import type { User } from './types';
import { EventSocket, type ConnectionStatus } from './ws';
import { loginView } from './views/login';
import { desktopView } from './views/desktop';
import { wallboardView } from './views/wallboard';
import { usersView } from './views/admin/users';
import { flowsView } from './views/admin/flows';
import { recordingsView } from './views/admin/recordings';
import { queuesView, agentsView } from './views/admin/config';
import { hoursView } from './views/admin/hours';

const app = document.getElementById('app')!;

const routes: Route[] = [
  { path: '/desktop', view: desktopView, roles: ['agent', 'supervisor', 'admin'] },
  { path: '/wallboard', view: wallboardView, roles: ['supervisor', 'admin'] },
  { path: '/admin/users', view: usersView, roles: ['admin'] },
  { path: '/admin/agents', view: agentsView, roles: ['supervisor', 'admin'] },
  { path: '/admin/queues', view: queuesView, roles: ['supervisor', 'admin'] },
  { path: '/admin/flows', view: flowsView, roles: ['admin'] },
  { path: '/admin/hours', view: hoursView, roles: ['supervisor', 'admin'] },
  { path: '/admin/recordings', view: recordingsView, roles: ['supervisor', 'admin'] },
];

let socket: EventSocket | null = null;
let router: Router | null = null;
let unsubscribeLang: (() => void) | null = null;

function userOf(reply: unknown): User | null {
  if (!reply || typeof reply !== 'object') return null;
  const r = reply as Record<string, unknown>;
  if (r.user && typeof r.user === 'object') return r.user as User;
  if (typeof r.username === 'string') return r as unknown as User;
  return null;
}

async function boot(): Promise<void> {
  let user: User | null = null;
  try {
    user = userOf(await api.me());
  } catch {
    user = null;
  }
  if (user) showConsole(user);
  else showLogin();
}

function teardown(): void {
  router?.dispose();
  router = null;
  socket?.stop();
  socket = null;
  unsubscribeLang?.();
  unsubscribeLang = null;
}

function showLogin(): void {
  teardown();
  const render = () =>
    replace(
      app,
      loginView((user) => {
        unsubscribeLang?.();
        showConsole(user);
      }),
    );
  render();
  unsubscribeLang = onLangChange(render);
}

function showConsole(user: User): void {
  teardown();
  socket = new EventSocket();
  const ctx: Ctx = { user, socket };
  const main = h('main', { class: 'view' });
  const nav = h('nav', { class: 'nav' });
  const indicator = h('span', { class: 'conn', 'data-testid': 'connection' });
  const langButton = h('button', { class: 'link', 'data-testid': 'lang-switch' });
  const header = h(
    'header',
    { class: 'topbar' },
    h('span', { class: 'brand' }, '☎ Hotline'),
    nav,
    h('span', { class: 'spacer' }),
    indicator,
    langButton,
    h('span', { class: 'who', 'data-testid': 'who' }, `${user.username} · ${user.role}`),
    h(
      'button',
      {
        class: 'link',
        'data-testid': 'logout',
        onclick: async () => {
          try {
            await api.logout();
          } catch {
            /* signed out anyway */
          }
          setToken(null);
          location.hash = '';
          showLogin();
        },
      },
      '',
    ),
  );
  replace(app, header, main);

  let status: ConnectionStatus = 'connecting';
  const paintStatus = () => {
    indicator.className = `conn conn-${status}`;
    indicator.dataset.state = status;
    indicator.textContent = t(`conn.${status}`);
  };
  const links: { path: string; label: () => string; roles: string[] }[] = [
    { path: '/desktop', label: () => t('nav.desktop'), roles: ['agent', 'supervisor', 'admin'] },
    { path: '/wallboard', label: () => t('nav.wallboard'), roles: ['supervisor', 'admin'] },
    { path: '/admin/users', label: () => t('nav.admin'), roles: ['supervisor', 'admin'] },
  ];
  let currentPath = '';
  const paintHeader = () => {
    const visible = links.filter((l) => l.roles.includes(user.role));
    if (user.role === 'supervisor') visible[visible.length - 1].path = '/admin/queues';
    replace(
      nav,
      visible.map((l) =>
        h(
          'a',
          {
            href: `#${l.path}`,
            class: currentPath.split('/')[1] === l.path.split('/')[1] ? 'active' : '',
            'data-testid': `nav-${l.path.split('/')[1]}`,
          },
          l.label(),
        ),
      ),
    );
    langButton.textContent = t('lang.switch');
    (header.lastChild as HTMLElement).textContent = t('nav.logout');
    paintStatus();
  };
  langButton.onclick = () => setLang(currentLang() === 'en' ? 'zh-CN' : 'en');
  socket.onStatus((s) => {
    status = s;
    paintStatus();
  });

  router = new Router(routes, ctx, main, (path) => {
    currentPath = path;
    paintHeader();
  });
  unsubscribeLang = onLangChange(() => {
    paintHeader();
    router?.render();
  });
  socket.start();
  router.render();
}

setUnauthorizedHandler(() => {
  setToken(null);
  showLogin();
});

boot();
