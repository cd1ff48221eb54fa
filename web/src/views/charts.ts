// views/charts.ts: the wallboard's live charts (ECharts, only the parts used, so the bundle
// stays small): calls today per queue, waiting calls over the last 10 minutes, agent states.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { t, tr } from '../i18n';
import type { Agent, Queue } from '../types';
import { STATE_COLORS } from './colors';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);


const WINDOW_MS = 10 * 60 * 1000;

export class WallboardCharts {
  private calls: echarts.ECharts;
  private waiting: echarts.ECharts;
  private states: echarts.ECharts;
  private samples: { at: number; byQueue: Record<string, number> }[] = [];
  private onResize = () => [this.calls, this.waiting, this.states].forEach((c) => c.resize());

  constructor(callsEl: HTMLElement, waitingEl: HTMLElement, statesEl: HTMLElement) {
    this.calls = echarts.init(callsEl, undefined, { renderer: 'canvas' });
    this.waiting = echarts.init(waitingEl, undefined, { renderer: 'canvas' });
    this.states = echarts.init(statesEl, undefined, { renderer: 'canvas' });
    window.addEventListener('resize', this.onResize);
  }

  updateQueues(queues: Queue[]): void {
    const names = queues.map((q) => q.id);
    this.calls.setOption(
      {
        animationDuration: 300,
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 36, right: 12, top: 30, bottom: 24 },
        xAxis: { type: 'category', data: names },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          { name: t('wb.offered'), type: 'bar', data: queues.map((q) => q.offered ?? 0), itemStyle: { color: '#7a8794' } },
          { name: t('wb.answered'), type: 'bar', data: queues.map((q) => q.answered ?? 0), itemStyle: { color: '#2e9d57' } },
          { name: t('wb.abandoned'), type: 'bar', data: queues.map((q) => q.abandoned ?? 0), itemStyle: { color: '#d64545' } },
        ],
      },
      true,
    );
    const now = Date.now();
    this.samples.push({ at: now, byQueue: Object.fromEntries(queues.map((q) => [q.id, q.waiting ?? 0])) });
    this.samples = this.samples.filter((s) => now - s.at <= WINDOW_MS);
    this.waiting.setOption(
      {
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 36, right: 12, top: 30, bottom: 24 },
        xAxis: { type: 'time', min: now - WINDOW_MS, max: now },
        yAxis: { type: 'value', minInterval: 1 },
        series: names.map((name) => ({
          name,
          type: 'line',
          step: 'end',
          showSymbol: false,
          data: this.samples.map((s) => [s.at, s.byQueue[name] ?? 0]),
        })),
      },
      true,
    );
  }

  updateAgents(agents: Agent[]): void {
    const counts = new Map<string, number>();
    for (const a of agents) counts.set(a.state, (counts.get(a.state) ?? 0) + 1);
    this.states.setOption(
      {
        animationDuration: 300,
        tooltip: { trigger: 'item' },
        series: [
          {
            type: 'pie',
            radius: ['45%', '75%'],
            label: { formatter: '{b}: {c}' },
            data: [...counts.entries()].map(([state, n]) => ({
              name: tr('state', state),
              value: n,
              itemStyle: { color: STATE_COLORS[state] ?? '#666' },
            })),
          },
        ],
      },
      true,
    );
  }

  dispose(): void {
    window.removeEventListener('resize', this.onResize);
    [this.calls, this.waiting, this.states].forEach((c) => c.dispose());
  }
}
