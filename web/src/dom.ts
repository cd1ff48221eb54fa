// dom.ts: a tiny element builder and formatting helpers shared by the views.
type Child = Node | string | number | null | undefined | false | Child[];
export type Attrs = Record<string, unknown>;

/** h('div', {class: 'x', onclick: fn, 'data-testid': 'y'}, child, ...) */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2), value as EventListener);
      } else if (key === 'value' && 'value' in el) {
        (el as HTMLInputElement).value = String(value);
      } else if (key === 'checked' && 'checked' in el) {
        (el as HTMLInputElement).checked = Boolean(value);
      } else if (key === 'style') {
        // Through the CSSOM: the server's Content-Security-Policy (style-src 'self') refuses
        // style attributes set as markup.
        el.style.cssText = String(value);
      } else if (value === true) {
        el.setAttribute(key, '');
      } else {
        el.setAttribute(key, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

export function replace(el: Element, ...children: Child[]): void {
  el.textContent = '';
  append(el, children);
}

/** 75000 -> "1:15", 3723000 -> "1:02:03" */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !isFinite(ms) || ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return hh > 0 ? `${hh}:${pad(mm)}:${pad(ss)}` : `${mm}:${pad(ss)}`;
}

export function dateTime(ms: number | null | undefined): string {
  if (!ms) return '–';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** 12345678 fen -> "¥123,456.78" */
export function money(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '–';
  const sign = fen < 0 ? '-' : '';
  const yuan = Math.abs(fen) / 100;
  return `${sign}¥${yuan.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** service level as a percentage, whether the server sends 0.85 or 85; "–" when unknown */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || !isFinite(value)) return '–';
  const p = value <= 1 ? value * 100 : value;
  return `${Math.round(p)}%`;
}

let toastBox: HTMLElement | null = null;
/** A short message in the corner (kind: info | error | ok). */
export function toast(message: string, kind: 'info' | 'error' | 'ok' = 'info'): void {
  if (!toastBox) {
    toastBox = h('div', { class: 'toasts', 'data-testid': 'toasts' });
    document.body.appendChild(toastBox);
  }
  const el = h('div', { class: `toast toast-${kind}`, role: 'status' }, message);
  toastBox.appendChild(el);
  setTimeout(() => el.remove(), kind === 'error' ? 7000 : 4000);
}

/** Today: "14:03:09"; other days: "11-25 14:03". */
export function shortTime(ms: number | null | undefined): string {
  if (!ms) return '–';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const today = new Date().toDateString() === d.toDateString();
  return today
    ? `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
    : `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
