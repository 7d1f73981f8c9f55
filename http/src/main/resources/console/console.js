'use strict';
// The operator console: polls /api/v1/console with the operator's key (kept in this tab's
// sessionStorage only) and draws the server's last hour with uPlot, served by the server itself.
(function () {
  const KEY = 'circulation.operatorKey';
  const HOUR_MS = 60 * 60 * 1000;
  // Okabe-Ito colours (distinguishable with colour-blindness) and a line pattern per series, so
  // no series is told apart by colour alone.
  const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
  const DASHES = [[], [10, 5], [2, 4], [12, 4, 2, 4], [6, 3, 6, 3, 1, 3], [1, 2], [16, 6]];

  const CHARTS = [
    { id: 'transactions', title: 'Transactions per second by kind', unit: 'per second',
      values: s => s.transactions, fixed: ['checkout', 'return', 'renewal', 'hold', 'status', 'other'] },
    { id: 'latency', title: 'Request latency (ms)', unit: 'ms',
      values: s => ({ p50: s.latencyP50Ms, p99: s.latencyP99Ms }), fixed: ['p50', 'p99'],
      gaps: true },
    { id: 'refusal-rates', title: 'Refusals per second by rule code', unit: 'per second',
      values: s => s.refusals },
    { id: 'wakes', title: 'Entity wakes per second by type', unit: 'per second',
      values: s => s.wakes },
    { id: 'live', title: 'Live entities by type', unit: 'entities', values: s => s.live },
    { id: 'journal', title: 'Journal requests per second by kind', unit: 'per second',
      values: s => s.journal },
    { id: 'cassandra', title: 'Cassandra: p99 latency (ms) and driver errors per second', unit: '',
      values: s => ({ 'p99 ms': s.cassandraP99Ms, 'errors per second': s.cassandraErrors }),
      fixed: ['p99 ms', 'errors per second'], gaps: true },
    { id: 'heap', title: 'Heap in use (MiB)', unit: 'MiB',
      values: s => ({ 'heap used': s.heapUsedMiB, 'heap limit': s.heapMaxMiB }),
      fixed: ['heap used', 'heap limit'] },
    { id: 'gc', title: 'Garbage-collection pauses (ms per second)', unit: 'ms per second',
      values: s => ({ 'pause time': s.gcPauseMsPerSecond }), fixed: ['pause time'] },
    { id: 'backlogs', title: 'Backlogs: deadlines due, oldest deadline waited (s), notices waiting',
      unit: '', values: s => ({ 'deadlines due': s.deadlinesDue,
        'oldest deadline waited (s)': s.deadlineLagSeconds, 'notices waiting': s.noticesWaiting }),
      fixed: ['deadlines due', 'oldest deadline waited (s)', 'notices waiting'] },
  ];
  const TOP = 6;

  const state = { samples: [], lastAt: 0, intervalMs: 5000, charts: {}, timer: null, ticks: 0 };
  const $ = id => document.getElementById(id);

  class Refused extends Error {
    constructor(status, problem) {
      super((problem && problem.detail) || 'refused with status ' + status);
      this.status = status;
      this.code = problem && problem.code;
    }
  }

  async function api(path) {
    const key = sessionStorage.getItem(KEY);
    const response = await fetch(path, {
      headers: { Authorization: 'Bearer ' + key, Accept: 'application/json' },
      cache: 'no-store',
    });
    if (response.status === 401 || response.status === 403) {
      throw new Refused(response.status, await response.json().catch(() => null));
    }
    if (!response.ok) {
      throw new Error('the server answered ' + response.status + ' to ' + path);
    }
    return response.json();
  }

  // Log-in and log-out

  async function logIn(event) {
    event.preventDefault();
    const key = $('key').value.trim();
    $('login-error').textContent = '';
    if (!key) {
      $('login-error').textContent = 'Enter an operator API key.';
      return;
    }
    sessionStorage.setItem(KEY, key);
    $('key').value = '';
    await open();
  }

  async function open() {
    try {
      await refresh();
    } catch (e) {
      refused(e);
      return;
    }
    $('login-section').hidden = true;
    $('console').hidden = false;
    $('logout').hidden = false;
    loadRuns();
    schedule();
  }

  function refused(e) {
    logOut();
    $('login-error').textContent = e instanceof Refused
      ? 'The server refused this key' + (e.code ? ' (' + e.code + ')' : '') + ': ' + e.message
      : 'The server could not be reached: ' + e.message;
    $('key').focus();
  }

  function logOut() {
    sessionStorage.removeItem(KEY);
    clearTimeout(state.timer);
    Object.values(state.charts).forEach(c => c.plot.destroy());
    state.charts = {};
    state.samples = [];
    state.lastAt = 0;
    $('charts').replaceChildren();
    $('console').hidden = true;
    $('logout').hidden = true;
    $('login-section').hidden = false;
    $('status').textContent = '';
  }

  function schedule() {
    state.timer = setTimeout(async () => {
      try {
        await refresh();
        schedule();
      } catch (e) {
        if (e instanceof Refused) {
          refused(e);
        } else {
          $('status').textContent = 'Connection lost (' + e.message + '); trying again.';
          schedule();
        }
      }
    }, Math.min(10000, Math.max(1000, state.intervalMs)));
  }

  // Figures

  async function refresh() {
    const answer = await api('/api/v1/console/metrics?since=' + state.lastAt);
    state.intervalMs = answer.intervalSeconds * 1000;
    for (const sample of answer.samples) {
      state.samples.push(sample);
      state.lastAt = sample.at;
    }
    const from = Date.now() - HOUR_MS;
    while (state.samples.length && state.samples[0].at < from) {
      state.samples.shift();
    }
    if (state.ticks++ % 3 === 0) {
      showCluster(await api('/api/v1/console/cluster'));
    }
    showNow();
    showCharts();
    showRefusals();
    $('status').textContent = 'Live: ' + state.samples.length + ' samples, every '
      + answer.intervalSeconds + ' s';
  }

  const sum = values => Object.values(values || {}).reduce((a, b) => a + (b || 0), 0);
  const fixed = (n, digits) => (n === null || n === undefined) ? 'none' : Number(n).toFixed(digits);

  function showNow() {
    const s = state.samples[state.samples.length - 1];
    const rows = [];
    if (s) {
      $('sampled').textContent = 'at ' + new Date(s.at).toLocaleTimeString();
      rows.push(['transactions', 'Transactions per second', fixed(sum(s.transactions), 1) + ' ('
        + (Object.entries(s.transactions).map(([k, v]) => k + ' ' + fixed(v, 1)).join(', ') || 'none') + ')']);
      rows.push(['latency', 'Latency p50 / p99', fixed(s.latencyP50Ms, 1) + ' / ' + fixed(s.latencyP99Ms, 1) + ' ms']);
      rows.push(['refusals', 'Refusals per second', fixed(sum(s.refusals), 2)]);
      rows.push(['live', 'Live entities', String(sum(s.live))]);
      rows.push(['wakes', 'Entity wakes per second', fixed(sum(s.wakes), 1)]);
      rows.push(['cassandra', 'Cassandra p99 / errors per second', fixed(s.cassandraP99Ms, 1) + ' ms / ' + fixed(s.cassandraErrors, 2)]);
      rows.push(['heap', 'Heap in use', s.heapUsedMiB + ' of ' + s.heapMaxMiB + ' MiB']);
      rows.push(['gc', 'Longest GC pause (2 min)', fixed(s.gcMaxPauseMs, 1) + ' ms']);
      rows.push(['deadlines', 'Deadline keeper', s.deadlinesDue + ' due, oldest waited '
        + fixed(s.deadlineLagSeconds, 1) + ' s, ' + fixed(s.deadlinesHandled, 1) + ' handled per second, pace '
        + s.deadlinePace + ' per second (lower while patrons are served slowly)']);
      rows.push(['notices', 'Notice outbox', s.noticesWaiting + ' waiting, ' + fixed(s.noticesSent, 2) + ' sent per second']);
    }
    $('now').replaceChildren(...rows.map(([id, label, value]) => {
      const group = document.createElement('div');
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      dd.dataset.figure = id;
      dd.textContent = value;
      group.append(dt, dd);
      return group;
    }));
  }

  /** The chart's series: its fixed ones, else the largest TOP keys and the rest as "others". */
  function seriesOf(chart) {
    if (chart.fixed) {
      return chart.fixed;
    }
    const totals = {};
    for (const s of state.samples) {
      for (const [k, v] of Object.entries(chart.values(s) || {})) {
        totals[k] = (totals[k] || 0) + (v || 0);
      }
    }
    const keys = Object.keys(totals).sort((a, b) => totals[b] - totals[a]);
    return keys.length > TOP ? keys.slice(0, TOP - 1).concat(['others']) : keys;
  }

  function valueOf(chart, keys, sample, key) {
    const values = chart.values(sample) || {};
    if (key === 'others') {
      return Object.entries(values).filter(([k]) => !keys.includes(k)).reduce((a, [, v]) => a + v, 0);
    }
    // A rate missing from a sample was zero; a percentile missing had nothing to measure.
    const v = values[key];
    return v === undefined || v === null ? (chart.gaps ? null : 0) : v;
  }

  function showCharts() {
    for (const chart of CHARTS) {
      const keys = seriesOf(chart);
      const xs = state.samples.map(s => s.at / 1000);
      const data = [xs].concat(keys.map(k => state.samples.map(s => valueOf(chart, keys, s, k))));
      let shown = state.charts[chart.id];
      const figureWidth = chartWidth();
      if (!shown || shown.keys.join('|') !== keys.join('|')) {
        if (shown) {
          shown.plot.destroy();
          shown.figure.remove();
        }
        shown = newChart(chart, keys, data, figureWidth);
        state.charts[chart.id] = shown;
      } else {
        shown.plot.setData(data);
        if (shown.plot.width !== figureWidth) {
          shown.plot.setSize({ width: figureWidth, height: chartHeight() });
        }
      }
      describe(shown.figure, chart, keys, data);
    }
  }

  /** The width of one grid column, so charts fill a laptop's one column or a wall's four. */
  function chartWidth() {
    const columns = getComputedStyle($('charts')).gridTemplateColumns.split(' ').length || 1;
    const gap = 16;
    return Math.max(260, Math.floor(($('charts').clientWidth - gap * (columns - 1)) / columns) - 16);
  }

  const chartHeight = () => (document.body.classList.contains('wall') ? 300 : 200);

  function newChart(chart, keys, data, width) {
    const figure = document.createElement('figure');
    figure.id = 'chart-' + chart.id;
    figure.setAttribute('role', 'img');
    const caption = document.createElement('figcaption');
    caption.textContent = chart.title;
    figure.appendChild(caption);
    const canvas = document.createElement('div');
    figure.appendChild(canvas);
    // Chart order in the page is fixed; a rebuilt chart goes back into its own place.
    const index = CHARTS.indexOf(chart);
    const next = CHARTS.slice(index + 1).map(c => state.charts[c.id]).find(c => c);
    $('charts').insertBefore(figure, next ? next.figure : null);
    const plot = new uPlot({
      width: width,
      height: chartHeight(),
      scales: { x: { time: true } },
      legend: { live: false },
      axes: [{ stroke: '#222' }, { stroke: '#222', label: chart.unit, size: 60 }],
      series: [{ label: 'time' }].concat(keys.map((k, i) => ({
        label: k,
        stroke: COLOURS[i % COLOURS.length],
        dash: DASHES[i % DASHES.length],
        width: 2,
        spanGaps: false,
        points: { show: false },
      }))),
    }, data, canvas);
    return { plot: plot, keys: keys, figure: figure };
  }

  /** The figure's text description: what a screen reader reads and what the tests check. */
  function describe(figure, chart, keys, data) {
    const last = data[0].length - 1;
    const latest = keys.map((k, i) => k + ' ' + fixed(last >= 0 ? data[i + 1][last] : null, 2));
    const highest = keys.map((k, i) => k + ' ' + fixed(Math.max(0, ...data[i + 1].filter(v => v !== null)), 2));
    figure.dataset.points = String(data[0].length);
    figure.setAttribute('aria-label', chart.title + '. Latest: ' + (latest.join(', ') || 'nothing yet')
      + '. Highest in the hour: ' + (highest.join(', ') || 'nothing yet') + '.');
  }

  function showRefusals() {
    const totals = {};
    const latest = (state.samples[state.samples.length - 1] || {}).refusals || {};
    for (const s of state.samples) {
      for (const [code, perSecond] of Object.entries(s.refusals || {})) {
        totals[code] = (totals[code] || 0) + perSecond * state.intervalMs / 1000;
      }
    }
    const rows = Object.entries(totals).sort((a, b) => b[1] - a[1]).map(([code, n]) =>
      row([code, String(Math.round(n)), fixed(latest[code] || 0, 2)], { code: code }));
    $('refusals').tBodies[0].replaceChildren(...(rows.length ? rows : [row(['none in the last hour', '', ''])]));
  }

  function row(cells, data) {
    const tr = document.createElement('tr');
    Object.assign(tr.dataset, data || {});
    for (const cell of cells) {
      const td = document.createElement('td');
      if (cell instanceof Node) {
        td.appendChild(cell);
      } else {
        td.textContent = cell;
      }
      tr.appendChild(td);
    }
    return tr;
  }

  function showCluster(view) {
    $('members').tBodies[0].replaceChildren(...view.members.map(m => row([
      m.address + (m.thisNode ? ' (this node)' : ''), m.status, m.reachable ? 'yes' : 'NO',
      m.roles.join(', ') || 'none', m.address === view.singletonHome ? 'here' : ''])));
    const members = [...new Set(view.shards.flatMap(s => Object.keys(s.shardsByMember)))].sort();
    const head = document.createElement('tr');
    ['Entity type'].concat(members.map(m => m + ': shards / entities')).forEach(text => {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = text;
      head.appendChild(th);
    });
    $('shards').tHead.replaceChildren(head);
    $('shards').tBodies[0].replaceChildren(...view.shards.map(s => row([s.entityType].concat(
      members.map(m => (s.shardsByMember[m] || 0) + ' / ' + (s.entitiesByMember[m] || 0))))));
  }

  // Load-test runs

  async function loadRuns() {
    try {
      const answer = await api('/api/v1/console/runs');
      $('results-folder').textContent = answer.resultsFolder;
      const rows = answer.runs.map(run => {
        const figures = document.createElement('dl');
        for (const [figure, value] of Object.entries(run.figures)) {
          const dt = document.createElement('dt');
          dt.textContent = figure;
          const dd = document.createElement('dd');
          dd.textContent = value;
          figures.append(dt, dd);
        }
        const links = document.createElement('ul');
        links.appendChild(link('summary', run.summaryLink));
        run.reports.forEach(r => links.appendChild(link(r.name, r.link)));
        return row([run.folder, new Date(run.written).toLocaleString(), figures, links], { run: run.folder });
      });
      $('runs').tBodies[0].replaceChildren(...(rows.length ? rows : [row(['no runs found', '', '', ''])]));
    } catch (e) {
      if (e instanceof Refused) {
        refused(e);
      } else {
        $('status').textContent = 'Runs could not be read: ' + e.message;
      }
    }
  }

  function link(text, href) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.textContent = text;
    li.appendChild(a);
    return li;
  }

  document.addEventListener('DOMContentLoaded', () => {
    if (new URLSearchParams(location.search).has('wall')) {
      document.body.classList.add('wall');
    }
    $('login').addEventListener('submit', logIn);
    $('logout').addEventListener('click', () => {
      logOut();
      $('key').focus();
    });
    $('refresh-runs').addEventListener('click', loadRuns);
    window.addEventListener('resize', () => state.samples.length && showCharts());
    if (sessionStorage.getItem(KEY)) {
      open();
    }
  });
})();
