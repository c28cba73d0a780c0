// Draws every chart of report.html from the JSON in #report-data. No network, no animation:
// the page is complete once this script has run.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var charts = [];
  var TRAIN = '#1f77b4', VAL = '#d62728', FIT = 'rgba(120,120,120,0.45)';
  var BEST = '#2ca02c', ONSET = '#ff7f0e', OTHER = '#bbbbbb';

  // At most four significant digits: more is noise for a loss or an accuracy.
  function fmt(v) {
    if (v === null || v === undefined || typeof v !== 'number' || !isFinite(v)) return '–';
    if (Number.isInteger(v)) return String(v);
    var s = String(Number(v.toPrecision(4)));
    if (s.indexOf('e') >= 0) s = Number(v.toPrecision(4)).toFixed(Math.min(20, 3 - Math.floor(Math.log10(Math.abs(v))))).replace(/0+$/, '');
    return s;
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  function init(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = echarts.init(el, null, {renderer: 'svg'});
    charts.push(chart);
    return chart;
  }
  var base = {animation: false, textStyle: {fontFamily: 'system-ui, sans-serif'}};
  function opts(o) { return Object.assign({}, base, o); }
  var valueAxis = function (name, extra) {
    return Object.assign({type: 'value', name: name, nameLocation: 'middle', nameGap: 38, scale: true,
      axisLabel: {formatter: fmt, hideOverlap: true}}, extra || {});
  };
  var configs = data.configs || [];
  var byId = {};
  configs.forEach(function (c) { byId[c.id] = c; });
  function label(c) { return (c.rank ? '#' + c.rank + ' ' : '') + c.label; }
  // Every trial of the configuration was stopped early by successive halving.
  function allPruned(c) { return c.pruned > 0 && c.pruned === c.trials; }

  // Learning curves: a configuration, optionally compared with a second one.
  (function () {
    var a = document.getElementById('curve-a'), b = document.getElementById('curve-b');
    if (!a) return;
    var ids = configs.map(function (c) { return c.id; }).filter(function (id) { return data.curves[id]; });
    var none = document.createElement('option');
    none.value = ''; none.textContent = '(none)'; b.appendChild(none);
    ids.forEach(function (id) {
      [a, b].forEach(function (select) {
        var o = document.createElement('option');
        o.value = id; o.textContent = label(byId[id]); select.appendChild(o);
      });
    });
    var loss = init('chart-loss'), acc = init('chart-acc');
    function lines(id, dashed, withFit, keys) {
      var c = data.curves[id], out = [];
      var name = dashed ? ' (compared)' : '';
      function pts(key) { return c.epoch.map(function (e, i) { return [e, c[key][i]]; }); }
      if (withFit) out.push({name: 'fit (as trained)' + name, type: 'line', showSymbol: false,
        data: pts('fit'), lineStyle: {color: FIT, width: 1.5, type: dashed ? 'dashed' : 'solid'},
        itemStyle: {color: FIT}});
      out.push({name: 'train (clean)' + name, type: 'line', showSymbol: false, data: pts(keys[0]),
        lineStyle: {color: TRAIN, width: 2, type: dashed ? 'dashed' : 'solid'}, itemStyle: {color: TRAIN}});
      var marks = [];
      if (c.best) marks.push({xAxis: c.best, name: 'best epoch', lineStyle: {color: BEST}});
      if (c.onset) marks.push({xAxis: c.onset, name: 'onset', lineStyle: {color: ONSET}});
      out.push({name: 'validation' + name, type: 'line', showSymbol: false, data: pts(keys[1]),
        lineStyle: {color: VAL, width: 2, type: dashed ? 'dashed' : 'solid'}, itemStyle: {color: VAL},
        markLine: dashed ? undefined : {symbol: 'none', silent: true, data: marks,
          // Inside the plot, along the line: centred above it, a mark at the last epoch was cut.
          label: {formatter: function (p) { return p.name; }, fontSize: 10, position: 'insideEndTop'},
          lineStyle: {type: 'dashed', width: 1.5}}});
      return out;
    }
    function draw() {
      [[loss, 'cross-entropy', true, ['train', 'val']], [acc, 'accuracy', false, ['trainAcc', 'valAcc']]]
        .forEach(function (spec) {
          var series = lines(a.value, false, spec[2], spec[3]);
          if (b.value && b.value !== a.value) series = series.concat(lines(b.value, true, spec[2], spec[3]));
          var pruned = [a.value, b.value].filter(function (id) { return id && data.curves[id].pruned; });
          var title = spec[1] + (pruned.length ? ' (' + (pruned.length === 2 || pruned[0] === a.value ?
            'pruned early' : 'compared: pruned early') + ')' : '');
          spec[0].setOption(opts({
            title: {text: title, left: 'center', textStyle: {fontSize: 13}},
            legend: {bottom: 0, type: 'scroll', textStyle: {fontSize: 11}},
            grid: {left: 60, right: 20, top: 36, bottom: 70},
            tooltip: {trigger: 'axis', valueFormatter: fmt},
            xAxis: {type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 26, minInterval: 1,
              axisLabel: {hideOverlap: true}},
            yAxis: valueAxis(spec[1], {nameGap: 45}),
            series: series}), true);
        });
    }
    a.addEventListener('change', draw); b.addEventListener('change', draw);
    draw();
  })();

  // Gap against validation loss: why the ranking is what it is.
  (function () {
    var chart = init('chart-scatter');
    if (!chart) return;
    function pts(filter) {
      return configs.filter(filter).filter(function (c) { return c.gap !== null && c.valLoss !== null; })
        .map(function (c) { return {value: [c.valLoss, c.gap], name: label(c), c: c}; });
    }
    chart.setOption(opts({
      legend: {top: 0},
      grid: {left: 70, right: 30, top: 40, bottom: 50},
      tooltip: {trigger: 'item', formatter: function (p) {
        return esc(p.name) + '<br>validation loss ' + fmt(p.value[0]) + ', gap ' + fmt(p.value[1]) +
          (p.data.c.pruned ? '<br>' + p.data.c.pruned + ' trial(s) pruned' : '');
      }},
      xAxis: valueAxis('validation loss'),
      yAxis: valueAxis('generalization gap', {nameGap: 50}),
      series: [
        {name: 'not competitive', type: 'scatter', data: pts(function (c) { return !c.competitive && !allPruned(c); }),
          itemStyle: {color: OTHER}, symbolSize: 9},
        {name: 'pruned', type: 'scatter', data: pts(function (c) { return !c.competitive && allPruned(c); }),
          itemStyle: {color: 'transparent', borderColor: '#888', borderWidth: 1.5}, symbolSize: 9},
        {name: 'competitive', type: 'scatter', data: pts(function (c) { return c.competitive && c.rank !== 1; }),
          itemStyle: {color: TRAIN}, symbolSize: 11},
        {name: 'recommended', type: 'scatter', data: pts(function (c) { return c.rank === 1; }),
          itemStyle: {color: BEST}, symbol: 'path://M50 0 L61 35 L98 35 L68 57 L79 91 L50 70 L21 91 L32 57 L2 35 L39 35 Z',
          symbolSize: 22}
      ]}));
  })();

  // Parallel coordinates: each axis, then gap and validation loss.
  (function () {
    var chart = init('chart-parallel');
    if (!chart) return;
    var axes = data.axes;
    var dims = axes.map(function (name, i) {
      return {dim: i, name: name, type: 'category', data: data.axisLevels[name]};
    });
    // The value axes' extent from every configuration: ECharts takes it from one series only, and
    // lines of the others (the recommendation's among them) ran off the axis.
    function extent(value) {
      var values = configs.filter(function (c) { return c.gap !== null; }).map(value);
      return {min: Math.min.apply(null, values), max: Math.max.apply(null, values)};
    }
    var gapExtent = extent(function (c) { return c.gap; });
    var lossExtent = extent(function (c) { return c.valLoss; });
    dims.push({dim: axes.length, name: 'gap', type: 'value', min: gapExtent.min, max: gapExtent.max,
      axisLabel: {formatter: fmt}});
    dims.push({dim: axes.length + 1, name: 'val loss', type: 'value', min: lossExtent.min,
      max: lossExtent.max, axisLabel: {formatter: fmt}});
    function rows(filter) {
      return configs.filter(filter).filter(function (c) { return c.gap !== null; }).map(function (c) {
        return {name: label(c), value: axes.map(function (a) { return c.levels[a]; }).concat([c.gap, c.valLoss])};
      });
    }
    chart.setOption(opts({
      legend: {top: 0},
      tooltip: {trigger: 'item', formatter: function (p) { return esc(p.name); }},
      parallel: {left: 50, right: 80, top: 60, bottom: 30,
        parallelAxisDefault: {nameTextStyle: {fontSize: 12}, axisLabel: {hideOverlap: true}}},
      parallelAxis: dims,
      series: [
        {name: 'not competitive', type: 'parallel', data: rows(function (c) { return !c.competitive; }),
          lineStyle: {color: OTHER, width: 1, opacity: 0.6}},
        {name: 'competitive', type: 'parallel', data: rows(function (c) { return c.competitive && c.rank !== 1; }),
          lineStyle: {color: TRAIN, width: 1.5, opacity: 0.8}},
        {name: 'recommended', type: 'parallel', data: rows(function (c) { return c.rank === 1; }),
          lineStyle: {color: BEST, width: 3}}
      ]}));
  })();

  // The audit: test accuracy of every configuration with its interval, best first (post-hoc).
  (function () {
    var rows = data.audit;
    var el = document.getElementById('chart-audit');
    if (!rows || !el) return;
    el.style.height = Math.max(200, 90 + 22 * rows.length) + 'px';
    var chart = init('chart-audit');
    var labels = rows.map(function (r) { return (r.recommended ? '\u2605 ' : '') + r.label; });
    function colour(r) { return r.recommended ? BEST : r.competitive ? TRAIN : OTHER; }
    // Room for the longest label, up to 45% of the width (longer ones are cut, the tooltip has all).
    var ctx = document.createElement('canvas').getContext('2d');
    ctx.font = '11px system-ui, sans-serif';
    var widest = Math.max.apply(null, labels.map(function (l) { return ctx.measureText(l).width; }));
    var room = Math.min(Math.ceil(widest) + 4, Math.floor(el.clientWidth * 0.45));
    var ends = [];
    rows.forEach(function (r) { [r.low, r.high, r.acc].forEach(function (v) { if (v !== null) ends.push(v); }); });
    var lo = Math.max(0, Math.floor(Math.min.apply(null, ends) / 5) * 5);
    var hi = Math.min(100, Math.ceil(Math.max.apply(null, ends) / 5) * 5);
    chart.setOption(opts({
      grid: {left: room + 14, right: 30, top: 10, bottom: 45},
      tooltip: {trigger: 'item', formatter: function (p) {
        var r = rows[p.dataIndex];
        return esc(r.label) + (r.recommended ? ' (recommended)' : '') + '<br>test accuracy ' + fmt(r.acc) +
          '%, 95% interval ' + fmt(r.low) + '% to ' + fmt(r.high) + '%<br>rank on test ' + fmt(r.rankOnTest);
      }},
      xAxis: valueAxis('test accuracy (%), post-hoc', {nameGap: 26, min: lo, max: hi, scale: false}),
      yAxis: {type: 'category', data: labels, inverse: true,
        axisLabel: {interval: 0, fontSize: 11, width: room, overflow: 'truncate'}},
      series: [
        {type: 'custom', name: 'interval', renderItem: function (params, api) {
          var low = api.value(1), high = api.value(2);
          if (low === null || high === null || isNaN(low) || isNaN(high)) return null;
          var a = api.coord([low, api.value(0)]), b = api.coord([high, api.value(0)]);
          var style = {stroke: colour(rows[params.dataIndex]), lineWidth: 2};
          return {type: 'group', children: [
            {type: 'line', shape: {x1: a[0], y1: a[1], x2: b[0], y2: b[1]}, style: style},
            {type: 'line', shape: {x1: a[0], y1: a[1] - 4, x2: a[0], y2: a[1] + 4}, style: style},
            {type: 'line', shape: {x1: b[0], y1: b[1] - 4, x2: b[0], y2: b[1] + 4}, style: style}]};
        }, encode: {x: [1, 2], y: 0},
          data: rows.map(function (r, k) { return [k, r.low, r.high]; }), z: 1},
        {type: 'scatter', name: 'test accuracy', z: 2,
          data: rows.map(function (r, k) {
            return {value: [r.acc, k], symbolSize: r.recommended ? 14 : 8, itemStyle: {color: colour(r)}};
          })}
      ]}));
  })();

  // Per-axis effects: mean gap per level with its 95% interval.
  (data.effects || []).forEach(function (effect, i) {
    var chart = init('chart-effect-' + i);
    if (!chart) return;
    var levels = effect.levels.map(function (l) { return l.level; });
    chart.setOption(opts({
      grid: {left: 60, right: 15, top: 15, bottom: 45},
      tooltip: {trigger: 'axis', formatter: function (ps) {
        var l = effect.levels[ps[0].dataIndex];
        return esc(effect.axis + ' ' + l.level) + '<br>mean gap ' + fmt(l.mean) +
          (l.low === null ? '' : '<br>95% interval ' + fmt(l.low) + ' to ' + fmt(l.high));
      }},
      xAxis: {type: 'category', data: levels, name: effect.axis, nameLocation: 'middle', nameGap: 28,
        axisLabel: {interval: 'auto', hideOverlap: true, rotate: levels.length > 5 ? 30 : 0}},
      yAxis: valueAxis('mean gap', {nameGap: 45}),
      series: [
        {type: 'custom', name: 'interval', renderItem: function (params, api) {
          var low = api.value(1), high = api.value(2);
          if (low === null || high === null || isNaN(low) || isNaN(high)) return null;
          var a = api.coord([api.value(0), low]), b = api.coord([api.value(0), high]);
          var w = 6, style = {stroke: '#555', lineWidth: 1.5};
          return {type: 'group', children: [
            {type: 'line', shape: {x1: a[0], y1: a[1], x2: b[0], y2: b[1]}, style: style},
            {type: 'line', shape: {x1: a[0] - w, y1: a[1], x2: a[0] + w, y2: a[1]}, style: style},
            {type: 'line', shape: {x1: b[0] - w, y1: b[1], x2: b[0] + w, y2: b[1]}, style: style}]};
        }, data: effect.levels.map(function (l, k) { return [k, l.low, l.high]; }), z: 1},
        {type: 'scatter', name: 'mean gap', symbolSize: 10, itemStyle: {color: TRAIN}, z: 2,
          data: effect.levels.map(function (l, k) { return [k, l.mean]; })}
      ]}));
  });

  // Heatmaps: one shared colour scale, cell labels dropped where they would overlap.
  (function () {
    var heat = data.heatmaps;
    if (!heat) return;
    var all = [];
    heat.panels.forEach(function (p) { p.cells.forEach(function (c) { all.push(c[2]); }); });
    var min = Math.min.apply(null, all), max = Math.max.apply(null, all);
    if (min === max) { min -= 0.5; max += 0.5; }
    heat.panels.forEach(function (panel, i) {
      var el = document.getElementById('chart-heat-' + i);
      if (!el) return;
      el.style.height = Math.max(260, 130 + 26 * heat.ys.length) + 'px';
      var chart = init('chart-heat-' + i);
      var width = el.clientWidth - 130;
      var showLabels = width / heat.xs.length >= 38;
      chart.setOption(opts({
        grid: {left: 75, right: 20, top: 10, bottom: 95},
        tooltip: {formatter: function (p) {
          return esc(heat.x + ' ' + heat.xs[p.value[0]] + ', ' + heat.y + ' ' + heat.ys[p.value[1]]) +
            '<br>gap ' + fmt(p.value[2]);
        }},
        xAxis: {type: 'category', data: heat.xs, name: heat.x, nameLocation: 'middle', nameGap: 32,
          axisLabel: {interval: 'auto', hideOverlap: true, rotate: heat.xs.length > 6 ? 40 : 0}},
        yAxis: {type: 'category', data: heat.ys, name: heat.y, nameLocation: 'middle', nameGap: 60,
          axisLabel: {interval: 'auto', hideOverlap: true}},
        visualMap: {min: min, max: max, calculable: false, orient: 'horizontal', left: 'center',
          bottom: 0, itemHeight: 120, itemWidth: 10, text: [fmt(max), fmt(min)], formatter: fmt,
          inRange: {color: ['#1a9850', '#ffffbf', '#d73027']}, textStyle: {fontSize: 11}},
        series: [{type: 'heatmap', data: panel.cells,
          label: {show: showLabels, fontSize: 10, formatter: function (p) { return fmt(p.value[2]); }},
          labelLayout: {hideOverlap: true}}]}));
    });
  })();

  // The recommendation class by class.
  (function () {
    var p = data.predictions;
    if (!p) return;
    var accChart = init('chart-class-acc');
    var rotate = p.classes.length > 6 ? 40 : 0;
    // Every class named while there is room (a long name is cut, the tooltip has it all).
    function classLabels(chart, rotate) {
      var each = (chart.getWidth() - 110) / p.classes.length;
      return {interval: p.classes.length <= 20 ? 0 : 'auto', rotate: rotate, overflow: 'truncate',
        width: rotate ? 80 : Math.max(24, each - 6)};
    }
    accChart.setOption(opts({
      grid: {left: 60, right: 20, top: 15, bottom: 70},
      tooltip: {trigger: 'axis', valueFormatter: fmt},
      xAxis: {type: 'category', data: p.classes, axisLabel: classLabels(accChart, rotate)},
      yAxis: valueAxis('accuracy', {min: 0, max: 1, scale: false}),
      series: [{type: 'bar', data: p.accuracy, itemStyle: {color: TRAIN},
        label: {show: p.classes.length <= 12, position: 'top', formatter: function (x) { return fmt(x.value); }, fontSize: 10}}]}));
    var conf = init('chart-confusion');
    var max = Math.max.apply(null, p.cells.map(function (c) { return c[2]; }).concat([1]));
    conf.setOption(opts({
      grid: {left: 90, right: 20, top: 10, bottom: 90},
      tooltip: {formatter: function (x) {
        return 'true ' + esc(p.classes[x.value[1]]) + ', predicted ' + esc(p.classes[x.value[0]]) + ': ' + x.value[2];
      }},
      xAxis: {type: 'category', data: p.classes, name: 'predicted', nameLocation: 'middle', nameGap: 55,
        axisLabel: classLabels(conf, rotate)},
      yAxis: {type: 'category', data: p.classes, inverse: true, name: 'true', nameLocation: 'middle', nameGap: 70,
        axisLabel: {interval: p.classes.length <= 20 ? 0 : 'auto', width: 64, overflow: 'truncate'}},
      visualMap: {min: 0, max: max, show: false, inRange: {color: ['#f7fbff', '#08306b']}},
      series: [{type: 'heatmap', data: p.cells,
        label: {show: p.classes.length <= 15, fontSize: 10, formatter: function (x) { return String(x.value[2]); }},
        labelLayout: {hideOverlap: true}}]}));
  })();

  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
})();
