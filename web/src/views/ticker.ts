// views/ticker.ts: "time in state" clocks. Elements with data-since="<epoch ms>" show the
// time elapsed since then, refreshed every second while the view is shown.
import { duration } from '../dom';

export function startTicker(root: HTMLElement): () => void {
  const tick = () => {
    const now = Date.now();
    root.querySelectorAll<HTMLElement>('[data-since]').forEach((el) => {
      const since = Number(el.dataset.since);
      el.textContent = since > 0 ? duration(Math.max(0, now - since)) : '–';
    });
  };
  tick();
  const timer = window.setInterval(tick, 1000);
  return () => clearInterval(timer);
}

/** A "time since" element, filled at once and kept current by startTicker. */
export function since(ms: number | null | undefined): HTMLElement {
  const el = document.createElement('span');
  el.className = 'since';
  if (ms && ms > 0) {
    el.dataset.since = String(ms);
    el.textContent = duration(Math.max(0, Date.now() - ms));
  }
  return el;
}
