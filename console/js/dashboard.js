/*
 * 统计分析 (#/dashboard): the figures of the signed-in staff member's unit and
 * the units below it, over the cases registered in a period — volume, 重访率,
 * 按期受理率, 按期答复率, 满意率, 当前超期 — with trends, breakdowns by unit /
 * category / area (a click on a unit drills down), 热点问题 and 预警, an
 * export to CSV and a printable report (the browser's print, with print CSS).
 *
 * Charts: Chart.js 4 from vendor/ (global Chart), destroyed when the view
 * closes or redraws. Every text from the server is inserted as text (XF.h).
 */
(function () {
  "use strict";

  var h = XF.h;
  var STATS = "/api/v1/staff/stats";
  var COLORS = [
    "#0b69a3", "#e07a1f", "#2f8132", "#ba2525", "#7b4fa3",
    "#0f9b8e", "#c2477c", "#8a6d3b", "#5c7080", "#9aa5b1",
  ];
  var PRESETS = [
    ["7", "最近 7 天"],
    ["30", "最近 30 天"],
    ["90", "最近 90 天"],
    ["365", "最近一年"],
    ["year", "本年度"],
    ["custom", "自定义"],
  ];
  var BREAKDOWNS = [
    ["unit", "按承办单位"],
    ["category", "按内容分类"],
    ["district", "按问题属地"],
  ];
  var INTERVALS = { day: "按日", week: "按周", month: "按月" };
  /* Names of the figures a warning carries (GET /api/v1/staff/warnings). */
  var WARNING_NUMBERS = {
    recent_7d: "近 7 天",
    weekly_mean: "此前周均",
    weekly_std: "周标准差",
    ratio: "倍数",
    cases_30d: "近 30 天件数",
    previous_30d: "此前 30 天件数",
    people: "涉及人数",
    headcount: "人数",
    cases: "件数",
  };

  /* Kept while the console is open, so leaving and coming back keeps the filters. */
  var state = {
    preset: "30",
    since: "",
    until: "",
    category: "",
    district: "",
    unit: "",
    tab: "unit",
  };

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function isoDay(d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function addDays(iso, days) {
    var parts = iso.split("-").map(Number);
    var d = new Date(parts[0], parts[1] - 1, parts[2]);
    d.setDate(d.getDate() + days);
    return isoDay(d);
  }

  function applyPreset(today) {
    if (state.preset === "custom") return;
    state.until = today;
    if (state.preset === "year") state.since = today.slice(0, 4) + "-01-01";
    else state.since = addDays(today, 1 - Number(state.preset));
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%";
  }

  function query(extra) {
    var q = {
      since: state.since,
      until: state.until,
      category: state.category,
      district: state.district,
      unit: state.unit,
    };
    Object.keys(extra || {}).forEach(function (k) {
      q[k] = extra[k];
    });
    return q;
  }

  function withQuery(path, q) {
    var parts = [];
    Object.keys(q).forEach(function (key) {
      if (q[key] === undefined || q[key] === null || q[key] === "") return;
      parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(q[key]));
    });
    return parts.length ? path + "?" + parts.join("&") : path;
  }

  /* 404 or an empty answer from an optional endpoint means "nothing to show". */
  function optional(path, q) {
    return XF.api(path, { query: q }).then(
      function (body) {
        return body;
      },
      function (error) {
        if (error.status === 404) return null;
        throw error;
      }
    );
  }

  function render(container) {
    var charts = [];
    var generation = 0;
    var options = null;
    var scope = { name: "", code: "" };
    var root = h("section", { className: "dashboard", dataset: { state: "loading" } });
    var reportHead = h("div", { className: "dash-report-head print-only" });
    var status = h("p", { className: "muted dash-status", attrs: { role: "status" } });
    var kpis = h("div", { className: "dash-kpis", id: "dash-kpis" });
    var chartGrid = h("div", { className: "dash-charts" });
    var tableBox = h("div", { className: "dash-table-box" });
    var hotBox = h("div", { className: "dash-hot", id: "dash-hot" });
    var warnBox = h("div", { className: "dash-warnings", id: "dash-warnings" });

    /* ---- filter bar ---------------------------------------------------------- */
    var presetSelect = h(
      "select",
      { id: "dash-preset", attrs: { "aria-label": "统计区间" } },
      PRESETS.map(function (p) {
        return h("option", { value: p[0], text: p[1], selected: p[0] === state.preset });
      })
    );
    var sinceInput = h("input", { type: "date", id: "dash-since", attrs: { "aria-label": "开始日期" } });
    var untilInput = h("input", { type: "date", id: "dash-until", attrs: { "aria-label": "结束日期" } });
    var categorySelect = h("select", { id: "dash-category", attrs: { "aria-label": "内容分类" } });
    var districtSelect = h("select", { id: "dash-district", attrs: { "aria-label": "问题属地" } });
    var unitSelect = h("select", { id: "dash-unit", attrs: { "aria-label": "承办单位" } });
    var exportButton = h("button", { type: "button", id: "dash-export", text: "导出 CSV" });
    var printButton = h("button", { type: "button", id: "dash-print", text: "打印报告" });
    var resetButton = h("button", { type: "button", className: "link", text: "清除筛选" });

    function fillSelect(select, allLabel, items, selected) {
      select.replaceChildren(h("option", { value: "", text: allLabel }));
      items.forEach(function (item) {
        select.appendChild(
          h("option", { value: item.value, text: item.label, selected: item.value === selected })
        );
      });
    }

    function fillFilters() {
      fillSelect(
        categorySelect,
        "全部分类",
        options.categories.map(function (c) { return { value: c, label: c }; }),
        state.category
      );
      fillSelect(
        districtSelect,
        "全部属地",
        options.districts.map(function (d) { return { value: d, label: d }; }),
        state.district
      );
      var indent = { city: "", district: "　", street: "　　" };
      fillSelect(
        unitSelect,
        "本单位及下级（全部）",
        options.units.map(function (u) {
          var pre = (indent[u.level] || "") + (u.department ? "　" : "");
          return { value: u.code, label: pre + u.name };
        }),
        state.unit
      );
    }

    function syncInputs() {
      presetSelect.value = state.preset;
      sinceInput.value = state.since;
      untilInput.value = state.until;
      sinceInput.disabled = untilInput.disabled = state.preset !== "custom";
      categorySelect.value = state.category;
      districtSelect.value = state.district;
      unitSelect.value = state.unit;
    }

    presetSelect.addEventListener("change", function () {
      state.preset = presetSelect.value;
      applyPreset(options ? options.until : isoDay(new Date()));
      syncInputs();
      load();
    });
    [sinceInput, untilInput].forEach(function (input) {
      input.addEventListener("change", function () {
        if (!sinceInput.value || !untilInput.value) return;
        state.since = sinceInput.value;
        state.until = untilInput.value;
        load();
      });
    });
    [[categorySelect, "category"], [districtSelect, "district"], [unitSelect, "unit"]].forEach(
      function (pair) {
        pair[0].addEventListener("change", function () {
          state[pair[1]] = pair[0].value;
          load();
        });
      }
    );
    resetButton.addEventListener("click", function () {
      state.category = state.district = state.unit = "";
      syncInputs();
      load();
    });
    exportButton.addEventListener("click", function () {
      var name = "统计分析-" + state.since + "至" + state.until + ".csv";
      exportButton.disabled = true;
      XF.download(withQuery(STATS + "/export.csv", query()), name)
        .then(function () {
          XF.toast("已导出 CSV");
        })
        .catch(function (error) {
          XF.toast(error.message || "导出没有成功，请稍后再试", "error");
        })
        .then(function () {
          exportButton.disabled = false;
        });
    });
    printButton.addEventListener("click", function () {
      window.print();
    });

    var toolbar = h(
      "div",
      { className: "toolbar dash-toolbar no-print" },
      h("label", null, "统计区间 ", presetSelect),
      sinceInput,
      h("span", { className: "muted", text: "至" }),
      untilInput,
      categorySelect,
      districtSelect,
      unitSelect,
      resetButton,
      h("span", { className: "dash-spacer" }),
      exportButton,
      printButton
    );

    root.append(
      h("div", { className: "dash-title" }, h("h1", { text: "统计分析" }), status),
      reportHead,
      toolbar,
      kpis,
      chartGrid,
      tableBox,
      h(
        "div",
        { className: "dash-two" },
        h("section", { className: "card" }, h("h2", { text: "热点问题" }), hotBox),
        h("section", { className: "card" }, h("h2", { text: "预警" }), warnBox)
      )
    );
    container.appendChild(root);

    function onBeforePrint() {
      charts.forEach(function (chart) {
        chart.resize();
      });
    }
    window.addEventListener("beforeprint", onBeforePrint);

    /* ---- drawing ------------------------------------------------------------- */
    function destroyCharts() {
      charts.forEach(function (chart) {
        chart.destroy();
      });
      charts = [];
    }

    function chartCard(title, note, config, wide) {
      var canvas = h("canvas", { attrs: { role: "img", "aria-label": title } });
      var card = h(
        "figure",
        { className: "card dash-chart" + (wide ? " wide" : "") },
        h("figcaption", null, h("strong", { text: title }), note ? h("span", { className: "muted", text: " " + note }) : null),
        h("div", { className: "dash-canvas" }, canvas)
      );
      chartGrid.appendChild(card);
      if (typeof window.Chart !== "function") {
        card.appendChild(h("p", { className: "muted", text: "图表组件没有加载，请查看下方表格。" }));
        return;
      }
      config.options = Object.assign(
        { responsive: true, maintainAspectRatio: false, animation: false },
        config.options || {}
      );
      charts.push(new window.Chart(canvas, config));
    }

    function kpi(label, value, detail, tone) {
      return h(
        "div",
        { className: "card dash-kpi" + (tone ? " " + tone : "") },
        h("div", { className: "muted", text: label }),
        h("div", { className: "dash-kpi-value", text: value }),
        h("div", { className: "muted", text: detail || "" })
      );
    }

    function drawKpis(t) {
      kpis.replaceChildren(
        kpi("信访件", String(t.total), "登记于统计区间内"),
        kpi("重访率", percent(t.repeat_rate), t.repeats + " 件重复信访", t.repeat_rate > 0.1 ? "warn" : ""),
        kpi("按期受理率", percent(t.accept_rate), t.accept_on_time + " / " + t.accept_due + " 件按期受理告知"),
        kpi("按期答复率", percent(t.reply_rate), t.reply_on_time + " / " + t.reply_due + " 件按期答复"),
        kpi(
          "满意率",
          percent(t.satisfaction_rate),
          "已评价 " + t.rated + " 件，不满意 " + t.unsatisfied + " 件"
        ),
        kpi("当前超期未办", String(t.overdue_open), "超期未评价 " + t.rating_overdue + " 件", t.overdue_open ? "danger" : "")
      );
    }

    function shortLabel(text) {
      return text.length > 12 ? text.slice(0, 11) + "…" : text;
    }

    function drawCharts(trend, byUnit, byCategory, totals) {
      destroyCharts();
      chartGrid.replaceChildren();
      var labels = trend.buckets;
      chartCard(
        "信访量与重访率趋势",
        "（" + (INTERVALS[trend.interval] || "") + "）",
        {
          type: "line",
          data: {
            labels: labels,
            datasets: [
              { label: "信访件", data: trend.totals, borderColor: COLORS[0], backgroundColor: COLORS[0], yAxisID: "y", tension: 0.2 },
              {
                label: "重访率（%）",
                data: trend.totals.map(function (total, i) {
                  return total ? Math.round((trend.repeats[i] / total) * 1000) / 10 : null;
                }),
                borderColor: COLORS[1],
                backgroundColor: COLORS[1],
                yAxisID: "rate",
                borderDash: [4, 3],
              },
            ],
          },
          options: {
            scales: {
              y: { beginAtZero: true, title: { display: true, text: "件" } },
              rate: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "%" } },
            },
          },
        },
        true
      );
      chartCard(
        "各分类信访量趋势",
        "（前 8 类，其余合并为“其他”）",
        {
          type: "bar",
          data: {
            labels: labels,
            datasets: trend.series.map(function (s, i) {
              return { label: s.label, data: s.counts, backgroundColor: COLORS[i % COLORS.length] };
            }),
          },
          options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
        },
        true
      );
      var units = byUnit.slice(0, 15);
      chartCard("各单位信访量", "（前 15 个）", {
        type: "bar",
        data: {
          labels: units.map(function (r) { return shortLabel(r.label); }),
          datasets: [
            { label: "信访件", data: units.map(function (r) { return r.total; }), backgroundColor: COLORS[0] },
            { label: "重复信访", data: units.map(function (r) { return r.repeats; }), backgroundColor: COLORS[1] },
          ],
        },
        options: { indexAxis: "y", scales: { x: { beginAtZero: true } } },
      });
      chartCard("各单位按期率", "（%）", {
        type: "bar",
        data: {
          labels: units.map(function (r) { return shortLabel(r.label); }),
          datasets: [
            { label: "按期受理率", data: units.map(function (r) { return rateValue(r.accept_rate); }), backgroundColor: COLORS[0] },
            { label: "按期答复率", data: units.map(function (r) { return rateValue(r.reply_rate); }), backgroundColor: COLORS[2] },
          ],
        },
        options: { indexAxis: "y", scales: { x: { beginAtZero: true, max: 100 } } },
      });
      chartCard("市民评价", "（已评价 " + totals.rated + " 件）", {
        type: "doughnut",
        data: {
          labels: ["满意", "基本满意", "不满意", "超期未评价"],
          datasets: [
            {
              data: [totals.satisfied, totals.basically_satisfied, totals.unsatisfied, totals.rating_overdue],
              backgroundColor: [COLORS[2], COLORS[5], COLORS[3], COLORS[8]],
            },
          ],
        },
      });
      var categories = byCategory.slice(0, 15);
      chartCard("各分类重访率与满意率", "（%）", {
        type: "bar",
        data: {
          labels: categories.map(function (r) { return shortLabel(r.label); }),
          datasets: [
            { label: "重访率", data: categories.map(function (r) { return rateValue(r.repeat_rate); }), backgroundColor: COLORS[1] },
            { label: "满意率", data: categories.map(function (r) { return rateValue(r.satisfaction_rate); }), backgroundColor: COLORS[2] },
          ],
        },
        options: { scales: { y: { beginAtZero: true, max: 100 } } },
      });
    }

    function rateValue(value) {
      return value === null || value === undefined ? null : Math.round(value * 1000) / 10;
    }

    function drawTable(overview) {
      var rows = overview["by_" + state.tab];
      var tabs = h(
        "div",
        { className: "dash-tabs no-print", attrs: { role: "tablist" } },
        BREAKDOWNS.map(function (b) {
          return h("button", {
            type: "button",
            text: b[1],
            className: b[0] === state.tab ? "active" : "",
            attrs: { role: "tab", "aria-selected": b[0] === state.tab ? "true" : "false" },
            onclick: function () {
              state.tab = b[0];
              drawTable(overview);
            },
          });
        })
      );
      var heads = [
        "", "信访件", "重复", "重访率", "按期受理率", "按期答复率", "已评价", "满意率", "不满意", "超期未评价", "当前超期",
      ];
      heads[0] = BREAKDOWNS.filter(function (b) { return b[0] === state.tab; })[0][1].slice(1);
      var drill = state.tab === "unit";
      var body = rows.map(function (r) {
        var canDrill = drill && r.key && r.key !== overview.scope.code;
        var row = h(
          "tr",
          { className: canDrill ? "clickable" : "", title: canDrill ? "点击查看该单位及其下级" : null },
          h("td", { text: r.label }),
          h("td", { className: "num", text: String(r.total) }),
          h("td", { className: "num", text: String(r.repeats) }),
          h("td", { className: "num", text: percent(r.repeat_rate) }),
          h("td", { className: "num", text: percent(r.accept_rate) }),
          h("td", { className: "num", text: percent(r.reply_rate) }),
          h("td", { className: "num", text: String(r.rated) }),
          h("td", { className: "num", text: percent(r.satisfaction_rate) }),
          h("td", { className: "num", text: String(r.unsatisfied) }),
          h("td", { className: "num", text: String(r.rating_overdue) }),
          h("td", { className: "num" + (r.overdue_open ? " danger" : ""), text: String(r.overdue_open) })
        );
        if (canDrill) {
          row.addEventListener("click", function () {
            state.unit = r.key;
            syncInputs();
            load();
          });
        }
        return row;
      });
      var t = overview.totals;
      var foot = h(
        "tr",
        { className: "total" },
        h("td", { text: "合计" }),
        h("td", { className: "num", text: String(t.total) }),
        h("td", { className: "num", text: String(t.repeats) }),
        h("td", { className: "num", text: percent(t.repeat_rate) }),
        h("td", { className: "num", text: percent(t.accept_rate) }),
        h("td", { className: "num", text: percent(t.reply_rate) }),
        h("td", { className: "num", text: String(t.rated) }),
        h("td", { className: "num", text: percent(t.satisfaction_rate) }),
        h("td", { className: "num", text: String(t.unsatisfied) }),
        h("td", { className: "num", text: String(t.rating_overdue) }),
        h("td", { className: "num", text: String(t.overdue_open) })
      );
      tableBox.replaceChildren(
        h("h2", { text: "分项统计" }),
        tabs,
        h(
          "div",
          { className: "dash-scroll" },
          h(
            "table",
            { className: "dash-breakdown" },
            h("thead", null, h("tr", null, heads.map(function (x) { return h("th", { text: x }); }))),
            h("tbody", null, body.length ? body : h("tr", null, h("td", { text: "暂无数据", attrs: { colspan: "11" } }))),
            h("tfoot", null, foot)
          )
        ),
        h("p", {
          className: "muted",
          text:
            "口径：统计区间内登记的信访件。按期受理＝在受理告知期限内作出受理或不予受理决定；" +
            "按期答复＝在办理期限（含批准的延期）内答复，超期未答复的计入未按期；" +
            "满意率＝（满意＋基本满意）÷已评价。",
        })
      );
    }

    function caseLink(number) {
      return h("a", { href: "#/cases/" + encodeURIComponent(number), text: number });
    }

    function drawHot(body) {
      var items = body && Array.isArray(body.items) ? body.items : [];
      if (!items.length) {
        hotBox.replaceChildren(h("p", { className: "muted", text: "暂无数据" }));
        return;
      }
      hotBox.replaceChildren(
        h(
          "div",
          { className: "dash-scroll" },
          h(
            "table",
            { className: "dash-hot-table" },
            h(
              "thead",
              null,
              h("tr", null, ["热点", "地点", "分类", "件数", "近期", "增长", "热度", "示例"].map(function (x) {
                return h("th", { text: x });
              }))
            ),
            h(
              "tbody",
              null,
              items.map(function (item) {
                var examples = (item.example_case_numbers || []).slice(0, 3);
                return h(
                  "tr",
                  null,
                  h("td", null, h("strong", { text: item.name || item.problem || "" }), item.problem && item.name ? h("div", { className: "muted", text: item.problem }) : null),
                  h("td", { text: item.place || "" }),
                  h("td", { text: item.category || "" }),
                  h("td", { className: "num", text: String(item.case_count || 0) }),
                  h("td", { className: "num", text: String(item.recent_count || 0) }),
                  h("td", { className: "num", text: growthText(item.growth) }),
                  h("td", { className: "num", text: item.heat === undefined || item.heat === null ? "" : String(Math.round(item.heat * 10) / 10) }),
                  h(
                    "td",
                    null,
                    examples.map(function (n, i) {
                      return [i ? "、" : "", caseLink(n)];
                    })
                  )
                );
              })
            )
          )
        )
      );
    }

    function growthText(growth) {
      if (growth === null || growth === undefined || isNaN(Number(growth))) return "";
      var g = Number(growth);
      return (g > 0 ? "+" : "") + Math.round(g * 100) + "%";
    }

    function drawWarnings(body) {
      var items = body && Array.isArray(body.items) ? body.items : [];
      if (!items.length) {
        warnBox.replaceChildren(h("p", { className: "muted", text: "暂无数据" }));
        return;
      }
      warnBox.replaceChildren(
        h(
          "ul",
          { className: "dash-warning-list" },
          items.map(function (item) {
            var numbers = item.numbers && typeof item.numbers === "object" ? item.numbers : {};
            var facts = Object.keys(numbers).map(function (k) {
              return (WARNING_NUMBERS[k] || k) + "：" + numbers[k];
            });
            var cases = (item.case_numbers || []).slice(0, 5);
            return h(
              "li",
              null,
              h("strong", { text: item.title || "" }),
              item.explanation ? h("div", { text: item.explanation }) : null,
              facts.length ? h("div", { className: "muted", text: facts.join("；") }) : null,
              cases.length
                ? h("div", { className: "muted" }, "相关信访件：", cases.map(function (n, i) {
                    return [i ? "、" : "", caseLink(n)];
                  }))
                : null
            );
          })
        )
      );
    }

    function drawReportHead() {
      var filters = [];
      if (state.category) filters.push("分类：" + state.category);
      if (state.district) filters.push("属地：" + state.district);
      reportHead.replaceChildren(
        h("h1", { text: "信访统计分析报告" }),
        h("p", { text: "统计范围：" + scope.name + "（含下级单位）　统计区间：" + state.since + " 至 " + state.until }),
        h("p", { text: filters.length ? filters.join("　") : "分类、属地：全部" }),
        h("p", { className: "muted", text: "生成时间：" + XF.fmtTime(new Date().toISOString()) + "　制表：" + ((XF.me && XF.me.unit_name) || "") })
      );
    }

    /* ---- loading ------------------------------------------------------------- */
    function load() {
      var mine = ++generation;
      root.dataset.state = "loading";
      status.textContent = "正在统计…";
      var calls = [
        XF.api(STATS + "/overview", { query: query() }),
        XF.api(STATS + "/trends", { query: query({ by: "category" }) }),
      ];
      Promise.all(calls)
        .then(function (results) {
          if (mine !== generation) return;
          var overview = results[0];
          scope = overview.scope;
          drawReportHead();
          drawKpis(overview.totals);
          drawCharts(results[1], overview.by_unit, overview.by_category, overview.totals);
          drawTable(overview);
          status.textContent =
            scope.name + " · " + state.since + " 至 " + state.until + " · 共 " + overview.totals.total + " 件";
          root.dataset.state = "ready";
        })
        .catch(function (error) {
          if (mine !== generation) return;
          status.textContent = error.message || "统计没有成功，请稍后再试";
          root.dataset.state = "error";
          XF.toast(status.textContent, "error");
        });
      optional("/api/v1/staff/hot-issues", { limit: 10 })
        .then(drawHot)
        .catch(function () {
          hotBox.replaceChildren(h("p", { className: "muted", text: "暂无数据" }));
        });
      optional("/api/v1/staff/warnings")
        .then(drawWarnings)
        .catch(function () {
          warnBox.replaceChildren(h("p", { className: "muted", text: "暂无数据" }));
        });
    }

    XF.api(STATS + "/filters")
      .then(function (body) {
        options = body;
        if (!state.until) {
          state.until = body.until;
          state.since = body.since;
        }
        applyPreset(body.until);
        fillFilters();
        syncInputs();
        load();
      })
      .catch(function (error) {
        status.textContent = error.message || "统计没有成功，请稍后再试";
        root.dataset.state = "error";
      });

    return function cleanup() {
      generation += 1;
      window.removeEventListener("beforeprint", onBeforePrint);
      destroyCharts();
    };
  }

  XF.register("dashboard", { title: "统计分析", order: 3, render: render });
})();
