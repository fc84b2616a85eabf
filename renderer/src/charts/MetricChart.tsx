import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useApp, useTrain, useView } from '../app/context.js';
import { alignSeries } from './align.js';
import { cssVar } from './colors.js';

export type ChartKind = 'loss' | 'metric';

/**
 * Live curves of a run with uPlot. Events only bump a version number; the chart
 * redraws at most once per animation frame however fast steps arrive.
 */
export function MetricChart({ kind, testId }: { kind: ChartKind; testId?: string }) {
  const app = useApp();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const frame = useRef<number | null>(null);
  const metricName = useTrain((s) => s.metricName);
  const theme = useView((s) => s.theme);
  const percent = kind === 'metric' && metricName === 'accuracy';

  const data = () => {
    const s = app.trainer.series;
    return alignSeries([
      { x: s.stepX, ys: [kind === 'loss' ? s.stepLoss : s.stepMetric] },
      { x: s.epochX, ys: kind === 'loss' ? [s.trainLoss, s.testLoss] : [s.trainMetric, s.testMetric] },
    ]) as uPlot.AlignedData;
  };

  // Summary attributes let tests and screen readers read the curve without pixels.
  const describe = () => {
    const el = box.current;
    if (!el) return;
    const s = app.trainer.series;
    const ys = kind === 'loss' ? s.stepLoss : s.stepMetric;
    const finite = ys.filter((v): v is number => v !== null && Number.isFinite(v));
    el.dataset.points = String(finite.length);
    el.dataset.first = finite.length ? String(finite[0]) : '';
    el.dataset.last = finite.length ? String(finite[finite.length - 1]) : '';
    const tests = kind === 'loss' ? s.testLoss : s.testMetric;
    el.dataset.lastTest = tests.length ? String(tests[tests.length - 1]) : '';
  };

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const text = cssVar('--text-dim', '#666');
    const grid = cssVar('--border', '#ddd');
    const trainColor = cssVar('--chart-train', '#2f6fde');
    const testColor = cssVar('--chart-test', '#d9822b');
    const fmt = (v: number | null) => (v === null ? '–' : percent ? `${(v * 100).toFixed(1)} %` : v.toPrecision(3));
    const axis: uPlot.Axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '12px system-ui, sans-serif' };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: 170,
      legend: { show: true, live: false },
      cursor: { drag: { x: true, y: false }, points: { size: 6 } },
      scales: { x: { time: false }, y: percent ? { range: [0, 1] } : { auto: true } },
      axes: [
        { ...axis, label: 'step', labelFont: '12px system-ui, sans-serif', labelSize: 18 },
        { ...axis, size: 52, space: 22, values: (_u, vals) => vals.map((v) => (percent ? `${Math.round(v * 100)}%` : String(+v.toPrecision(3)))) },
      ],
      series: [
        { label: 'step' },
        { label: 'train (step)', stroke: `${trainColor}55`, width: 1, value: (_u, v) => fmt(v), spanGaps: true, points: { show: false } },
        { label: 'train', stroke: trainColor, width: 2, value: (_u, v) => fmt(v), spanGaps: true, points: { show: true, size: 5, fill: trainColor } },
        { label: 'test', stroke: testColor, width: 2, value: (_u, v) => fmt(v), spanGaps: true, points: { show: true, size: 5, fill: testColor } },
      ],
    };
    plot.current = new uPlot(opts, data(), el);
    describe();
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height: 170 }));
    resize.observe(el);
    const unsubscribe = app.trainer.store.subscribe((s, prev) => {
      if (s.version === prev.version || frame.current !== null) return;
      frame.current = requestAnimationFrame(() => {
        frame.current = null;
        plot.current?.setData(data());
        describe();
      });
    });
    return () => {
      unsubscribe();
      resize.disconnect();
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
      plot.current?.destroy();
      plot.current = null;
    };
  }, [app, kind, percent, theme]); // eslint-disable-line react-hooks/exhaustive-deps

  return <div className={`metric-chart metric-chart--${kind}`} ref={box} data-testid={testId} />;
}
