// views/admin/recordings.ts: the recordings list (GET /api/v1/recordings) with in-browser
// playback (<audio> on /recordings/{id}/audio, loaded only when played) and download.
import { api } from '../../api';
import type { View } from '../../context';
import { dateTime, duration, h, replace } from '../../dom';
import { t } from '../../i18n';
import { adminTabs } from './tabs';

type Rec = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' ? v : v ? Number(v) : undefined);

export const recordingsView: View = (ctx, root) => {
  const body = h('tbody', { 'data-testid': 'recordings-body' });
  const empty = h('p', { class: 'muted', hidden: true }, t('adm.no_recordings'));
  const load = async () => {
    try {
      const reply = await api.recordings();
      const recs: Rec[] = Array.isArray(reply) ? reply : ((reply as unknown as Rec).recordings as Rec[]) ?? [];
      empty.hidden = recs.length > 0;
      replace(
        body,
        recs.map((r) => {
          const id = String(r.id ?? '');
          const url = api.recordingUrl(id);
          const file = String(r.path ?? r.recording_path ?? `recording-${id}.wav`).split('/').pop();
          const start = num(r.start_ms ?? r.started_ms ?? r.created_ms);
          const length = num(r.duration_ms) ?? (num(r.end_ms) && start ? num(r.end_ms)! - start : undefined);
          return h(
            'tr',
            { 'data-testid': 'recording-row', 'data-recording-id': id },
            h('td', null, dateTime(start)),
            h('td', null, String(r.from_number ?? r.caller ?? '–')),
            h('td', null, String(r.to_number ?? '–')),
            h('td', null, String(r.agent ?? '–')),
            h('td', null, String(r.queue ?? '–')),
            h('td', null, duration(length)),
            h('td', null, h('audio', { controls: true, preload: 'none', src: url, 'data-testid': 'recording-audio' })),
            h('td', null, h('a', { href: url, download: file, 'data-testid': 'recording-download' }, t('adm.download'))),
          );
        }),
      );
    } catch (e) {
      replace(body, h('tr', null, h('td', { colspan: 8, class: 'error' }, t('common.error', { message: (e as Error).message }))));
    }
  };
  root.appendChild(
    h(
      'div',
      { class: 'admin' },
      adminTabs(ctx.user.role, '/admin/recordings'),
      h(
        'section',
        { class: 'card' },
        h('h2', null, t('adm.recordings'), ' ', h('button', { class: 'link', onclick: load }, t('common.refresh'))),
        h(
          'table',
          { class: 'grid' },
          h('thead', null, h('tr', null, [t('col.time'), t('col.caller'), t('col.to'), t('col.agent'), t('col.queue'), t('col.duration'), t('adm.rec_play'), ''].map((c) => h('th', null, c)))),
          body,
        ),
        empty,
      ),
    ),
  );
  load();
};
