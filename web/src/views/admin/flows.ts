// views/admin/flows.ts: the IVR flow editor (GET/PUT /api/v1/ivr-flows/{name}). The YAML is
// edited in a textarea with line numbers; the server validates on publish and a refusal
// (422 {"error":{"code":"invalid_flow","message","line","node"}}) is shown at its line: the
// line is marked in the gutter, selected and scrolled to, with the node named. Business
// hours and holidays are the flow's `calendars:` section (a button jumps there).
import { api, ApiError, list } from '../../api';
import type { View } from '../../context';
import { h, replace, toast } from '../../dom';
import { t } from '../../i18n';
import { adminTabs } from './tabs';

function yamlOf(reply: unknown): { yaml: string; version?: unknown } {
  if (typeof reply === 'string') return { yaml: reply };
  const r = (reply ?? {}) as Record<string, unknown>;
  for (const k of ['yaml', 'text', 'content', 'source', 'definition']) if (typeof r[k] === 'string') return { yaml: r[k] as string, version: r.version };
  return { yaml: JSON.stringify(reply, null, 2) };
}

export const flowsView: View = (ctx, root) => {
  const names = h('datalist', { id: 'flow-names' });
  const name = h('input', { value: 'demo_hotline', list: 'flow-names', 'data-testid': 'flow-name', size: 24 });
  const editor = h('textarea', { class: 'code', spellcheck: 'false', wrap: 'off', 'data-testid': 'flow-yaml', rows: 30 });
  const gutter = h('div', { class: 'gutter', 'aria-hidden': 'true' });
  const error = h('div', { class: 'flow-error', 'data-testid': 'flow-error', role: 'alert', hidden: true });
  const info = h('span', { class: 'muted small', 'data-testid': 'flow-info' });
  let errorLine = 0;

  const paintGutter = () => {
    const lines = editor.value.split('\n').length;
    replace(
      gutter,
      Array.from({ length: lines }, (_, i) => h('div', { class: i + 1 === errorLine ? 'bad' : '', 'data-line': i + 1 }, String(i + 1))),
    );
    gutter.scrollTop = editor.scrollTop;
  };
  editor.addEventListener('input', paintGutter);
  editor.addEventListener('scroll', () => (gutter.scrollTop = editor.scrollTop));

  const goToLine = (line: number) => {
    const lines = editor.value.split('\n');
    if (line < 1 || line > lines.length) return;
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    editor.focus();
    editor.setSelectionRange(start, start + lines[line - 1].length);
    const lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 18;
    editor.scrollTop = Math.max(0, (line - 5) * lineHeight);
    gutter.scrollTop = editor.scrollTop;
  };
  const lineOfNode = (node: string) => {
    const lines = editor.value.split('\n');
    const i = lines.findIndex((l) => new RegExp(`^\\s+${node.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\s*$`).test(l));
    return i >= 0 ? i + 1 : 0;
  };

  const load = async () => {
    error.hidden = true;
    errorLine = 0;
    try {
      const { yaml, version } = yamlOf(await api.flow(name.value.trim()));
      editor.value = yaml;
      info.textContent = version !== undefined ? `v${version}` : '';
    } catch (e) {
      editor.value = '';
      info.textContent = t('common.error', { message: (e as Error).message });
    }
    paintGutter();
  };
  const save = async () => {
    error.hidden = true;
    errorLine = 0;
    try {
      const reply = (await api.saveFlow(name.value.trim(), editor.value)) as Record<string, unknown> | undefined;
      const version = reply && typeof reply === 'object' && reply.version !== undefined ? ` (v${reply.version})` : '';
      toast(t('adm.flow_saved', { name: name.value.trim(), version }), 'ok');
      info.textContent = version.trim();
    } catch (e) {
      const err = e as ApiError;
      const node = String(err.details.node ?? '');
      let line = Number(err.details.line ?? 0) || 0;
      if (!line && node) line = lineOfNode(node);
      errorLine = line;
      error.hidden = false;
      error.dataset.line = String(line || '');
      error.dataset.node = node;
      error.textContent = line
        ? t('adm.flow_error', { line, node: node || '–', message: err.message })
        : t('adm.flow_error_noline', { message: err.message });
      if (line) {
        error.appendChild(h('button', { class: 'link', onclick: () => goToLine(line) }, ' ↪'));
        goToLine(line);
      }
    }
    paintGutter();
  };

  root.appendChild(
    h(
      'div',
      { class: 'admin' },
      adminTabs(ctx.user.role, '/admin/flows'),
      h(
        'section',
        { class: 'card' },
        h('h2', null, t('adm.flows')),
        h('p', { class: 'small muted' }, t('adm.flow_help')),
        h(
          'div',
          { class: 'row' },
          h('label', null, t('adm.flow_name'), ' ', name, names),
          h('button', { onclick: load, 'data-testid': 'flow-load' }, t('adm.load')),
          h(
            'button',
            {
              onclick: () => {
                const i = editor.value.split('\n').findIndex((l) => /^calendars:/.test(l));
                if (i >= 0) goToLine(i + 1);
              },
            },
            t('adm.business_hours'),
          ),
          h('span', { class: 'spacer' }),
          info,
          h('button', { class: 'primary', onclick: save, 'data-testid': 'flow-save' }, t('adm.save_flow')),
        ),
        error,
        h('div', { class: 'editor' }, gutter, editor),
      ),
    ),
  );
  api
    .flowNames()
    .then((reply) => {
      const items = list<unknown>(reply, 'flows').map((x) => (typeof x === 'string' ? x : String((x as Record<string, unknown>).name ?? '')));
      replace(names, items.filter(Boolean).map((n) => h('option', { value: n })));
    })
    .catch(() => {});
  load();
};
