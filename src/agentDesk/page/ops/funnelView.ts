import type uPlot from 'uplot';
import type { FunnelReport, FunnelStage, JourneyFunnel } from '../../journeyFunnel';
import { el } from '../dom';
import { language, text } from '../i18n';
import { journeyLabel } from '../labels';
import { drawFunnelChart } from './funnelChart';

const LOCALES = { ko: 'ko-KR', en: 'en-US' } as const;

/** The charts drawn last, destroyed before the next drawing (each holds a canvas and listeners). */
let charts: uPlot[] = [];

/** Each journey of the report: its funnel as a chart, the same numbers as a table, and how else it ended. */
export function renderFunnels(container: HTMLElement, report: FunnelReport): void {
  clearFunnels(container);
  if (report.journeys.length === 0) {
    container.replaceChildren(el('p', { class: 'ops-empty', text: text('desk.ops.empty') }));
    return;
  }
  const count = new Intl.NumberFormat(LOCALES[language()]).format;
  const sections = report.journeys.map((journey) => journeySection(journey, count));
  container.replaceChildren(...sections.map(({ section }) => section));
  // Drawn once in the page: a chart takes its holder's width.
  charts = sections.map(({ chartHolder }, index) => {
    const stages = report.journeys[index]?.funnel ?? [];
    return drawFunnelChart(chartHolder, { labels: stages.map(stageLabel), counts: stages.map((stage) => stage.count), format: count });
  });
}

export function clearFunnels(container: HTMLElement): void {
  for (const chart of charts) chart.destroy();
  charts = [];
  container.replaceChildren();
}

function journeySection(journey: JourneyFunnel, count: (n: number) => string) {
  const name = journeyLabel(journey.journey);
  const headingId = `journey-${journey.journey}`;
  const chartHolder = el('div', {
    class: 'funnel-chart',
    dataset: { testid: 'funnel-chart' },
    attrs: { role: 'img', 'aria-label': text('desk.ops.chart', { journey: name }) },
  });
  const section = el(
    'section',
    { class: 'funnel', dataset: { testid: 'funnel', journey: journey.journey }, attrs: { 'aria-labelledby': headingId } },
    el('h2', { class: 'funnel-title', text: name, attrs: { id: headingId } }),
    chartHolder,
    el('div', { class: 'funnel-numbers' }, stagesTable(journey, name, count), outcomes(journey, count)),
  );
  return { section, chartHolder };
}

function stagesTable(journey: JourneyFunnel, name: string, count: (n: number) => string): HTMLTableElement {
  const started = journey.funnel[0]?.count ?? 0;
  const share = new Intl.NumberFormat(LOCALES[language()], { style: 'percent', maximumFractionDigits: 0 }).format;
  const column = (key: 'stage' | 'count' | 'share') => el('th', { text: text(`desk.ops.table.${key}`), attrs: { scope: 'col' } });
  return el(
    'table',
    { class: 'funnel-table', dataset: { testid: 'funnel-table' } },
    el('caption', { text: text('desk.ops.table.caption', { journey: name }) }),
    el('thead', {}, el('tr', {}, column('stage'), column('count'), column('share'))),
    el(
      'tbody',
      {},
      ...journey.funnel.map((stage) =>
        el(
          'tr',
          {},
          el('th', { text: stageLabel(stage), attrs: { scope: 'row' } }),
          el('td', { text: count(stage.count) }),
          el('td', { text: started === 0 ? '—' : share(stage.count / started) }),
        ),
      ),
    ),
  );
}

function outcomes(journey: JourneyFunnel, count: (n: number) => string): HTMLElement {
  const row = (label: string, value: Node | string, testid: string) =>
    el('div', { class: 'outcome' }, el('dt', { text: label }), el('dd', { dataset: { testid } }, value));
  const abandoned =
    journey.abandoned.length === 0
      ? text('desk.ops.outcomes.noneAbandoned')
      : el('ul', {}, ...journey.abandoned.map(({ step, count: n }) => el('li', { text: `${step} ${count(n)}` })));
  return el(
    'section',
    { class: 'outcomes' },
    el('h3', { class: 'outcomes-title', text: text('desk.ops.outcomes.heading') }),
    el(
      'dl',
      {},
      row(text('desk.ops.outcomes.handedOff'), count(journey.handedOff), 'handed-off'),
      row(text('desk.ops.outcomes.failed'), count(journey.failed), 'failed'),
      row(text('desk.ops.outcomes.abandoned'), abandoned, 'abandoned'),
    ),
  );
}

function stageLabel(stage: FunnelStage): string {
  return stage.stage === 'reached' ? stage.step : text(`desk.ops.stages.${stage.stage}`);
}
