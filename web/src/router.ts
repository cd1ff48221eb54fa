// router.ts: hash routes (#/desktop, #/wallboard, #/admin/users...) so the server only needs
// to serve index.html at /. Routes are allowed per role; the default route depends on the role.
import type { Ctx, View } from './context';
import type { Role } from './types';
import { h } from './dom';
import { t } from './i18n';

export interface Route {
  path: string;
  view: View;
  roles: Role[];
}

export class Router {
  private cleanup: (() => void) | void = undefined;
  constructor(
    private routes: Route[],
    private ctx: Ctx,
    private root: HTMLElement,
    private onChange: (path: string) => void,
  ) {
    window.addEventListener('hashchange', () => this.render());
  }

  defaultPath(): string {
    const role = this.ctx.user.role;
    if (role === 'agent') return '/desktop';
    if (role === 'supervisor') return '/wallboard';
    return '/admin/users';
  }

  current(): string {
    return location.hash.replace(/^#/, '') || this.defaultPath();
  }

  render(): void {
    if (this.cleanup) this.cleanup();
    this.cleanup = undefined;
    const path = this.current();
    const route = this.routes.find((r) => r.path === path) ?? this.routes.find((r) => r.path === this.defaultPath());
    this.root.textContent = '';
    this.onChange(route?.path ?? path);
    if (!route) return;
    if (!route.roles.includes(this.ctx.user.role)) {
      this.root.appendChild(h('p', { class: 'notice' }, t('common.forbidden')));
      return;
    }
    this.cleanup = route.view(this.ctx, this.root);
  }

  dispose(): void {
    if (this.cleanup) this.cleanup();
  }
}
