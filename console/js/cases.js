/*
 * 案件办理 (case work): the case list with filters, paging and CSV export
 * (#/cases), and the case page (#/cases/<number>) with the facts, the
 * timeline and a form for each lifecycle action the server offers this staff
 * member now (`actions` of the case detail). The console never decides what
 * is allowed; it shows what the server lists and reports what the server says.
 * Every text from the server is inserted as text (XF.h).
 */
(function () {
  "use strict";

  var h = XF.h;
  var PAGE_SIZE = 20;
  var OPEN_STATES = [
    "registered", "accepted", "assigned", "in_progress", "review_requested", "recheck_requested",
  ];
  var STATES = [
    ["registered", "已登记"],
    ["accepted", "已受理"],
    ["rejected", "不予受理"],
    ["assigned", "已交办"],
    ["in_progress", "办理中"],
    ["replied", "已答复"],
    ["rated", "已评价"],
    ["review_requested", "已申请复查"],
    ["reviewed", "已复查"],
    ["recheck_requested", "已申请复核"],
    ["rechecked", "已复核"],
    ["closed", "已办结"],
  ];
  var CHANNELS = {
    web_chat: "网页对话", hotline: "热线电话", letter: "来信", visit: "来访",
    online_form: "网上投诉", open311: "Open311 接口",
  };
  var PURPOSES = {
    complaint: "求决", report: "揭发控告", suggestion: "意见建议", consultation: "咨询", appeal: "申诉",
  };
  var ROLES = { operator: "接线员", handler: "承办人", supervisor: "督办负责人", admin: "管理员" };
  var LEVELS = { city: "市级", district: "区县级", street: "乡镇街道级" };
  var DONE = {
    accept: "已受理",
    reject: "已作出不予受理决定",
    assign: "已交办",
    return: "已退回",
    sign: "已签收",
    request_extension: "已提交延期申请",
    approve_extension: "已完成延期审批",
    reply: "已答复，市民可在查询页面查看",
    review: "已提交复查意见",
    recheck: "已提交复核意见",
    close: "已办结",
    supervise: "已督办",
    merge: "已合并办理",
  };

  /* Forms of the actions: what each one asks for before it is sent. */
  var FORMS = {
    accept: { hint: "受理后办理答复期限自今日起计算。", submit: "确认受理", fields: [] },
    reject: {
      hint: "不予受理的理由会告知信访人。",
      submit: "确认不予受理",
      danger: true,
      fields: [{ name: "reason", label: "不予受理理由", kind: "textarea", required: true }],
    },
    assign: {
      hint: "只能交办给本单位或下级单位。",
      submit: "确认交办",
      fields: [
        { name: "unit_code", label: "交办单位", kind: "unit", required: true },
        { name: "reason", label: "交办意见（可选）", kind: "textarea" },
      ],
    },
    return: {
      hint: "退回交办单位重新交办；退回理由仅工作人员可见。",
      submit: "确认退回",
      danger: true,
      fields: [{ name: "reason", label: "退回理由", kind: "textarea", required: true }],
    },
    sign: { hint: "签收后开始办理。", submit: "确认签收", fields: [] },
    request_extension: {
      hint: "每件信访件只能申请一次延期，需单位负责人审批。",
      submit: "提交延期申请",
      fields: [
        { name: "days", label: "延期天数", kind: "number", required: true, min: 1, max: 365 },
        { name: "reason", label: "延期理由", kind: "textarea", required: true },
      ],
    },
    approve_extension: {
      hint: "同意后办理期限相应延长。",
      submit: "提交审批",
      fields: [
        { name: "approved", label: "审批结果", kind: "approve", required: true },
        { name: "reason", label: "审批意见（可选）", kind: "textarea" },
      ],
    },
    reply: {
      hint: "答复内容会告知市民，市民在查询页面可以看到。请用通俗、完整的语言写明办理结果。",
      submit: "提交答复",
      fields: [{ name: "note", label: "答复意见", kind: "textarea", required: true, rows: 6 }],
    },
    review: {
      hint: "复查意见市民可在查询页面看到。",
      submit: "提交复查意见",
      fields: [{ name: "note", label: "复查意见", kind: "textarea", required: true, rows: 6 }],
    },
    recheck: {
      hint: "复核意见市民可在查询页面看到。",
      submit: "提交复核意见",
      fields: [{ name: "note", label: "复核意见", kind: "textarea", required: true, rows: 6 }],
    },
    supervise: {
      hint: "督办记录在办理过程中，承办单位可见。",
      submit: "确认督办",
      fields: [
        { name: "reason", label: "督办意见", kind: "textarea" },
        { name: "due", label: "要求办结日期（可选）", kind: "date" },
      ],
    },
    close: {
      hint: "办结后不能再办理。",
      submit: "确认办结",
      fields: [{ name: "reason", label: "办结说明（可选）", kind: "textarea" }],
    },
    merge: {
      hint: "本件将办结，并入所填信访件一并办理；市民以该件编号查询进展。",
      submit: "确认合并",
      fields: [{ name: "target_number", label: "并入的信访件编号", kind: "text", required: true }],
    },
  };

  var filters = defaultFilters();
  var lookups = { user: null, units: null, categories: null };

  function defaultFilters() {
    return {
      state: "open", unit: "", district: "", street: "", category: "", overdue: "",
      supervised: false, repeat: false, sort: "due", offset: 0,
    };
  }

  /* ---- helpers ------------------------------------------------------------------ */

  function stateLabel(state) {
    for (var i = 0; i < STATES.length; i += 1) if (STATES[i][0] === state) return STATES[i][1];
    return state;
  }

  function queryString(pairs) {
    return pairs
      .filter(function (p) { return p[1] !== "" && p[1] !== null && p[1] !== undefined; })
      .map(function (p) { return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]); })
      .join("&");
  }

  function statePairs() {
    if (filters.state === "open") return OPEN_STATES.map(function (s) { return ["state", s]; });
    if (filters.state === "unclosed") {
      return STATES.filter(function (s) { return s[0] !== "closed"; }).map(function (s) { return ["state", s[0]]; });
    }
    return filters.state ? [["state", filters.state]] : [];
  }

  /* Today in the case store's time zone (deadlines are dates there). */
  function today() {
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
    } catch (e) {
      return new Date().toISOString().slice(0, 10);
    }
  }

  function daysBetween(from, to) {
    return Math.round((Date.parse(to + "T00:00:00Z") - Date.parse(from + "T00:00:00Z")) / 86400000);
  }

  /* 剩余天数 / 超期 badge for a deadline; null when there is none. */
  function dueBadge(dueBy, overdue) {
    if (!dueBy) return null;
    var left = daysBetween(today(), String(dueBy).slice(0, 10));
    if (overdue || left < 0) {
      return h("span", { className: "badge danger", text: "超期 " + Math.max(1, -left) + " 天" });
    }
    if (left === 0) return h("span", { className: "badge warn", text: "今日到期" });
    return h("span", { className: "badge" + (left <= 3 ? " warn" : ""), text: "剩余 " + left + " 天" });
  }

  function stateBadge(state, label) {
    var kind = state === "closed" ? " ok" : state === "rejected" ? "" : " state";
    return h("span", { className: "badge" + kind, text: label || stateLabel(state) });
  }

  /* Units and filters belong to the signed-in staff member: start afresh for another. */
  function forCurrentUser() {
    var user = XF.me ? XF.me.username : null;
    if (lookups.user === user) return;
    lookups.user = user;
    lookups.units = null;
    filters = defaultFilters();
  }

  function loadLookups() {
    forCurrentUser();
    var units = lookups.units
      ? Promise.resolve(lookups.units)
      : XF.api("/api/v1/staff/units").then(function (list) {
          lookups.units = list || [];
          return lookups.units;
        });
    var categories = lookups.categories
      ? Promise.resolve(lookups.categories)
      : XF.api("/open311/v2/services.json").then(
          function (list) {
            lookups.categories = (list || []).map(function (s) { return s.service_name || s.service_code; });
            return lookups.categories;
          },
          function () {
            return [];
          }
        );
    return Promise.all([units, categories]);
  }

  /* Units in tree order (parents before their children) with their depth. */
  function unitTree(units) {
    var byParent = {};
    var codes = {};
    units.forEach(function (u) { codes[u.code] = true; });
    units.forEach(function (u) {
      var parent = u.parent_code && codes[u.parent_code] ? u.parent_code : "";
      (byParent[parent] = byParent[parent] || []).push(u);
    });
    var out = [];
    function walk(parent, depth) {
      (byParent[parent] || []).forEach(function (u) {
        out.push({ unit: u, depth: depth });
        walk(u.code, depth + 1);
      });
    }
    walk("", 0);
    return out;
  }

  function indent(depth) {
    return new Array(depth + 1).join("\u3000");
  }

  function option(value, text, selected) {
    return h("option", { value: value, text: text, selected: !!selected });
  }

  function field(label, control, extraClass) {
    return h("label", { className: "filter" + (extraClass ? " " + extraClass : "") }, h("span", { text: label }), control);
  }

  function showError(box, error) {
    box.textContent = error && error.message ? error.message : "操作没有成功，请稍后再试";
    box.hidden = false;
  }

  /* ---- the list ----------------------------------------------------------------- */

  function renderList(container) {
    forCurrentUser();
    var alive = true;
    var errorBox = h("p", { className: "error", attrs: { role: "alert" }, hidden: true });
    var summary = h("p", { className: "muted", attrs: { "aria-live": "polite" } });
    var body = h("div", { className: "case-list" });
    var pager = h("div", { className: "pager" });
    var form = h("form", { className: "filters card", attrs: { "aria-label": "筛选条件" } });
    var root = h("div", { className: "cases-view" });
    container.append(root);
    root.append(
      h("div", { className: "page-head" },
        h("h1", { text: "案件办理" }),
        h("form", {
          className: "goto",
          onsubmit: function (event) {
            event.preventDefault();
            var number = event.target.elements.number.value.trim().toUpperCase();
            if (!number) return;
            if (/^\d{12}$/.test(number)) number = "XF" + number;
            XF.navigate("#/cases/" + encodeURIComponent(number));
          },
        },
          h("input", { name: "number", placeholder: "输入案件编号直接打开", attrs: { "aria-label": "案件编号" } }),
          h("button", { type: "submit", text: "打开" })
        )
      ),
      form, errorBox, summary, body, pager
    );

    function load() {
      errorBox.hidden = true;
      summary.textContent = "正在加载…";
      var pairs = statePairs().concat([
        ["unit", filters.unit], ["district", filters.district], ["street", filters.street],
        ["category", filters.category], ["overdue", filters.overdue],
        ["supervised", filters.supervised ? "true" : ""], ["repeat", filters.repeat ? "true" : ""],
        ["sort", filters.sort], ["limit", PAGE_SIZE], ["offset", filters.offset],
      ]);
      XF.api("/api/v1/staff/cases?" + queryString(pairs)).then(
        function (page) {
          if (!alive) return;
          showPage(page);
        },
        function (error) {
          if (!alive) return;
          summary.textContent = "";
          body.replaceChildren();
          pager.replaceChildren();
          showError(errorBox, error);
        }
      );
    }

    function showPage(page) {
      var total = page.total || 0;
      var pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
      var current = Math.floor(filters.offset / PAGE_SIZE) + 1;
      summary.textContent = total ? "共 " + total + " 件" : "";
      body.replaceChildren(page.items.length ? table(page.items) : h("p", { className: "empty card", text: "没有符合条件的信访件" }));
      pager.replaceChildren();
      if (total > PAGE_SIZE) {
        pager.append(
          h("button", {
            type: "button", text: "上一页", disabled: current <= 1,
            onclick: function () { filters.offset = Math.max(0, filters.offset - PAGE_SIZE); load(); },
          }),
          h("span", { text: "第 " + current + " / " + pages + " 页" }),
          h("button", {
            type: "button", text: "下一页", disabled: current >= pages,
            onclick: function () { filters.offset += PAGE_SIZE; load(); },
          })
        );
      }
    }

    function table(items) {
      var rows = items.map(function (c) {
        var open = function () { XF.navigate("#/cases/" + encodeURIComponent(c.number)); };
        var place = [c.district, c.street].filter(Boolean).join(" ");
        var marks = [];
        if (c.supervised) marks.push(h("span", { className: "badge warn", text: "督办" }));
        if (c.repeat) marks.push(h("span", { className: "badge", text: "重复信访" }));
        if (c.urge_count) marks.push(h("span", { className: "badge warn", text: "催办 " + c.urge_count + " 次" }));
        return h("tr", { className: "clickable" + (c.overdue ? " overdue" : ""), onclick: open, dataset: { number: c.number } },
          h("td", { className: "num" }, h("a", { href: "#/cases/" + encodeURIComponent(c.number), text: c.number })),
          h("td", { className: "summary" },
            h("span", { text: c.summary || "（无摘要）" }),
            marks.length ? h("span", { className: "marks" }, marks) : null
          ),
          h("td", { className: "col-wide", text: c.category_name || "未分类" }),
          h("td", { className: "col-wide", text: place || "—" }),
          h("td", { text: c.responsible_unit ? c.responsible_unit.name : "" }),
          h("td", null, stateBadge(c.state, c.state_label)),
          h("td", { className: "due" },
            c.due_by ? h("span", { className: "date", text: XF.fmtDate(c.due_by) }) : h("span", { className: "muted", text: "—" }),
            dueBadge(c.due_by, c.overdue)
          ),
          h("td", { className: "col-wide muted", text: XF.fmtTime(c.created_at) })
        );
      });
      return h("div", { className: "table-wrap" },
        h("table", { className: "cases-table" },
          h("thead", null, h("tr", null,
            h("th", { text: "案件编号" }), h("th", { text: "摘要" }),
            h("th", { className: "col-wide", text: "分类" }), h("th", { className: "col-wide", text: "属地" }),
            h("th", { text: "承办单位" }), h("th", { text: "状态" }), h("th", { text: "办理期限" }),
            h("th", { className: "col-wide", text: "登记时间" })
          )),
          h("tbody", null, rows)
        )
      );
    }

    function buildFilters(units, categories) {
      var stateSelect = h("select", { name: "state" },
        option("open", "待办理", filters.state === "open"),
        option("unclosed", "未办结", filters.state === "unclosed"),
        option("", "全部状态", filters.state === ""),
        STATES.map(function (s) { return option(s[0], s[1], filters.state === s[0]); })
      );
      var unitSelect = h("select", { name: "unit" },
        option("", "本单位及下级全部", !filters.unit),
        unitTree(units).map(function (n) {
          return option(n.unit.code, indent(n.depth) + n.unit.name, filters.unit === n.unit.code);
        })
      );
      // Areas by their place names (金水区, 花园路街道), as the cases store them.
      var districts = units.filter(function (u) { return u.level === "district" && u.place; });
      var districtSelect = h("select", { name: "district" },
        option("", "全部区县", !filters.district),
        districts.map(function (u) { return option(u.place, u.place, filters.district === u.place); })
      );
      var streetSelect = h("select", { name: "street" });
      function fillStreets() {
        var parent = districts.filter(function (u) { return u.place === districtSelect.value; })[0];
        var streets = units.filter(function (u) {
          return u.level === "street" && u.place && (!parent || u.parent_code === parent.code);
        });
        if (streets.every(function (u) { return u.place !== filters.street; })) filters.street = "";
        streetSelect.replaceChildren(
          option("", "全部街道（乡镇）", !filters.street),
          streets.map(function (u) { return option(u.place, u.place, filters.street === u.place); })
        );
      }
      fillStreets();
      var categoryControl = categories.length
        ? h("select", { name: "category" },
            option("", "全部分类", !filters.category),
            categories.map(function (name) { return option(name, name, filters.category === name); })
          )
        : h("input", { name: "category", value: filters.category, placeholder: "一级分类名称" });
      var overdueSelect = h("select", { name: "overdue" },
        option("", "全部", !filters.overdue),
        option("true", "仅超期", filters.overdue === "true"),
        option("false", "未超期", filters.overdue === "false")
      );
      var sortSelect = h("select", { name: "sort" },
        option("due", "期限最近在前（超期在前）", filters.sort === "due"),
        option("newest", "最新登记在前", filters.sort === "newest")
      );
      var supervised = h("input", { type: "checkbox", name: "supervised", checked: filters.supervised });
      var repeat = h("input", { type: "checkbox", name: "repeat", checked: filters.repeat });

      function apply() {
        filters.state = stateSelect.value;
        filters.unit = unitSelect.value;
        filters.district = districtSelect.value;
        filters.street = streetSelect.value;
        filters.category = categoryControl.value.trim();
        filters.overdue = overdueSelect.value;
        filters.sort = sortSelect.value;
        filters.supervised = supervised.checked;
        filters.repeat = repeat.checked;
        filters.offset = 0;
        load();
      }
      districtSelect.addEventListener("change", fillStreets);
      [stateSelect, unitSelect, districtSelect, streetSelect, overdueSelect, sortSelect, supervised, repeat]
        .forEach(function (el) { el.addEventListener("change", apply); });
      if (categoryControl.tagName === "SELECT") categoryControl.addEventListener("change", apply);
      form.onsubmit = function (event) {
        event.preventDefault();
        apply();
      };

      form.replaceChildren(
        h("div", { className: "filter-grid" },
          field("状态", stateSelect),
          field("承办单位", unitSelect),
          field("区县", districtSelect),
          field("街道（乡镇）", streetSelect),
          field("内容分类", categoryControl),
          field("期限", overdueSelect),
          field("排序", sortSelect)
        ),
        h("div", { className: "filter-actions" },
          h("label", { className: "check" }, supervised, " 仅督办件"),
          h("label", { className: "check" }, repeat, " 仅重复信访"),
          h("span", { className: "spacer" }),
          h("button", { type: "submit", className: "primary", text: "查询" }),
          h("button", {
            type: "button", text: "重置",
            onclick: function () { filters = defaultFilters(); buildFilters(units, categories); load(); },
          }),
          h("button", {
            type: "button", text: "导出 CSV",
            attrs: { title: "按状态、承办单位、分类和期限筛选导出，不含个人信息" },
            onclick: exportCsv,
          })
        )
      );
    }

    function exportCsv() {
      var pairs = statePairs().concat([
        ["unit", filters.unit], ["category", filters.category], ["overdue", filters.overdue],
      ]);
      XF.download("/api/v1/staff/cases.csv?" + queryString(pairs), "信访件-" + today() + ".csv").then(
        function () { XF.toast("已导出 CSV（不含个人信息）"); },
        function (error) { XF.toast(error.message, "error"); }
      );
    }

    loadLookups().then(
      function (result) {
        if (!alive) return;
        buildFilters(result[0], result[1]);
        load();
      },
      function (error) {
        if (!alive) return;
        buildFilters([], []);
        showError(errorBox, error);
        load();
      }
    );
    return function () { alive = false; };
  }

  /* ---- the case page ------------------------------------------------------------ */

  function renderCase(container, number) {
    var alive = true;
    var page = h("div", { className: "case-page" });
    var root = h("div", { className: "cases-view" });
    container.append(root);
    root.append(
      h("div", { className: "toolbar" },
        h("a", { href: "#/cases", className: "back", text: "← 返回列表" }),
        h("button", { type: "button", text: "刷新", onclick: function () { load(); } })
      ),
      page
    );

    function load() {
      return XF.api("/api/v1/staff/cases/" + encodeURIComponent(number)).then(
        function (detail) {
          if (alive) show(detail);
        },
        function (error) {
          if (!alive) return;
          page.replaceChildren(
            h("div", { className: "card" },
              h("h1", { text: number }),
              h("p", { className: "error", attrs: { role: "alert" }, text: error.message })
            )
          );
        }
      );
    }

    function show(c) {
      var marks = [stateBadge(c.state, c.state_label), dueBadge(c.deadlines.due_by, c.deadlines.overdue)];
      if (c.flags.supervised) marks.push(h("span", { className: "badge warn", text: "督办" + (c.flags.supervising_unit ? "（" + c.flags.supervising_unit + "）" : "") }));
      if (c.flags.urge_count) marks.push(h("span", { className: "badge warn", text: "催办 " + c.flags.urge_count + " 次" }));
      if (c.flags.repeat) marks.push(h("span", { className: "badge", text: "重复信访" }));
      if (c.flags.rating_label) marks.push(h("span", { className: "badge" + (c.flags.rating === "unsatisfied" ? " danger" : " ok"), text: "评价：" + c.flags.rating_label }));
      if (c.flags.rating_overdue) marks.push(h("span", { className: "badge", text: "超期未评价" }));

      page.replaceChildren(
        h("header", { className: "case-head card" },
          h("h1", null, h("span", { className: "num", text: c.number }), " ", h("span", { className: "title", text: c.summary || "" })),
          h("div", { className: "marks" }, marks)
        ),
        h("div", { className: "case-grid" },
          h("div", { className: "case-main" },
            contentCard(c), factsCard(c), deadlinesCard(c), timelineCard(c)
          ),
          h("aside", { className: "case-side" }, actionsCard(c))
        )
      );
    }

    function dl(rows) {
      return h("dl", { className: "facts" },
        rows.filter(function (r) { return r[1] !== null && r[1] !== undefined && r[1] !== ""; }).map(function (r) {
          return [h("dt", { text: r[0] }), h("dd", null, r[1])];
        })
      );
    }

    function contentCard(c) {
      return h("section", { className: "card" },
        h("h2", { text: "信访内容" }),
        h("div", { className: "text-block description", text: c.description }),
        dl([
          ["摘要", c.summary],
          ["诉求", c.request],
          ["发生时间", c.occurred_at_text],
        ])
      );
    }

    function factsCard(c) {
      var person = c.complainant || {};
      var who = person.anonymous
        ? "匿名"
        : [person.name, person.phone, person.id_number].filter(Boolean).join(" · ") || "未登记";
      var place = [c.district, c.street, c.community, c.address].filter(Boolean).join(" ");
      var repeatText = c.flags.repeat_of ? "重复信访，首件 " + c.flags.repeat_of : null;
      return h("section", { className: "card" },
        h("h2", { text: "基本信息" }),
        dl([
          ["信访形式", CHANNELS[c.channel] || c.channel],
          ["信访目的", PURPOSES[c.purpose] || c.purpose],
          ["内容分类", c.category_name || "未分类"],
          ["问题属地", place || "未填写"],
          ["承办单位", c.responsible_unit.name + "（" + (LEVELS[c.responsible_unit.level] || "") + "）"],
          ["建议承办", c.suggested_unit && c.suggested_unit.code !== c.responsible_unit.code ? c.suggested_unit.name : null],
          ["信访人", who],
          ["登记时间", XF.fmtTime(c.created_at)],
          ["催办", c.flags.urge_count ? c.flags.urge_count + " 次" : "无"],
          ["督办", c.flags.supervised ? (c.flags.supervising_unit || "上级") + "督办" : "无"],
          ["评价", c.flags.rating_label || (c.flags.rating_overdue ? "超期未评价" : "尚未评价")],
          ["重复信访", repeatText],
          ["并入本件", c.repeats && c.repeats.length ? c.repeats.join("、") : null],
        ])
      );
    }

    function deadlinesCard(c) {
      var d = c.deadlines;
      var ext = c.flags.extension_status;
      var extText = ext === "requested" ? "已申请 " + c.flags.extension_days + " 天，待审批"
        : ext === "approved" ? "已批准延期 " + c.flags.extension_days + " 天"
        : ext === "refused" ? "延期申请未获批准" : null;
      function dateOf(date) {
        return date ? h("span", null, XF.fmtDate(date)) : null;
      }
      return h("section", { className: "card" },
        h("h2", { text: "期限" }),
        dl([
          ["当前期限", d.due_by ? h("span", null, XF.fmtDate(d.due_by), " ", dueBadge(d.due_by, d.overdue)) : "无"],
          ["受理告知", dateOf(d.accept_by)],
          ["办理答复", dateOf(d.handle_by)],
          ["延期", extText],
          ["评价截止", dateOf(d.rate_by)],
          ["申请复查截止", dateOf(d.review_request_by)],
          ["复查/复核意见", dateOf(d.decision_by)],
          ["申请复核截止", dateOf(d.recheck_request_by)],
        ])
      );
    }

    function actorText(e) {
      var parts = String(e.actor || "").split(":");
      var kind = parts[0];
      var name = parts.slice(1).join(":");
      if (kind === "citizen") return name === "hotline" ? "市民（电话）" : "市民";
      if (kind === "system") return "系统";
      if (kind === "channel") return "登记渠道：" + (CHANNELS[name] || name);
      return name + (e.actor_role ? "（" + (ROLES[e.actor_role] || e.actor_role) + "）" : "");
    }

    function timelineCard(c) {
      var items = c.timeline.map(function (e) {
        var change = e.from_state && e.to_state && e.from_state !== e.to_state
          ? stateLabel(e.from_state) + " → " + stateLabel(e.to_state) : null;
        return h("li", { className: "event" + (e.public ? "" : " internal"), dataset: { kind: e.kind } },
          h("div", { className: "event-head" },
            h("strong", { text: e.label }),
            e.public ? null : h("span", { className: "badge", text: "仅内部可见" }),
            change ? h("span", { className: "muted", text: change }) : null
          ),
          e.note ? h("div", { className: "text-block note", text: e.note }) : null,
          h("div", { className: "muted" },
            XF.fmtTime(e.at) + (e.unit ? " · " + e.unit : "") + " · " + actorText(e)
          )
        );
      });
      return h("section", { className: "card" },
        h("h2", { text: "办理过程（" + c.timeline.length + "）" }),
        h("ol", { className: "timeline" }, items)
      );
    }

    function actionsCard(c) {
      var formBox = h("div", { className: "action-form" });
      var offered = c.actions || [];
      var buttons = offered.map(function (a) {
        var spec = FORMS[a.action];
        return h("button", {
          type: "button",
          className: spec && spec.danger ? "danger" : "primary",
          text: a.label,
          dataset: { action: a.action },
          onclick: function () {
            buttons.forEach(function (b) { b.classList.toggle("selected", b.dataset.action === a.action); });
            formBox.replaceChildren(actionForm(c, a));
            var first = formBox.querySelector("textarea, select, input");
            if (first) first.focus();
          },
        });
      });
      return h("section", { className: "card actions" },
        h("h2", { text: "办理操作" }),
        buttons.length
          ? h("div", { className: "action-buttons" }, buttons)
          : h("p", { className: "muted", text: "当前状态下您没有可执行的操作。" }),
        formBox
      );
    }

    function actionForm(c, action) {
      var spec = FORMS[action.action] || { fields: [], submit: "确认" + action.label };
      var errorBox = h("p", { className: "error", attrs: { role: "alert" }, hidden: true });
      var controls = {};
      var rows = spec.fields.map(function (f) {
        var id = "act-" + action.action + "-" + f.name;
        var control;
        if (f.kind === "textarea") {
          control = h("textarea", { id: id, name: f.name, rows: f.rows || 3, maxLength: f.name === "note" ? 20000 : 2000 });
        } else if (f.kind === "number") {
          control = h("input", { id: id, name: f.name, type: "number", min: f.min, max: f.max, step: 1, inputMode: "numeric" });
        } else if (f.kind === "date") {
          control = h("input", { id: id, name: f.name, type: "date", min: today() });
        } else if (f.kind === "unit") {
          control = unitSelect(id, c);
        } else if (f.kind === "approve") {
          control = h("select", { id: id, name: f.name },
            option("true", "同意延期", true), option("false", "不同意", false));
        } else {
          control = h("input", { id: id, name: f.name, value: f.name === "target_number" ? c.flags.repeat_of || "" : "" });
        }
        controls[f.name] = control;
        return h("div", { className: "form-row" },
          h("label", { attrs: { for: id }, text: f.label }),
          control
        );
      });
      var submit = h("button", { type: "submit", className: spec.danger ? "danger" : "primary", text: spec.submit || "确认" });
      return h("form", {
        className: "card inner",
        dataset: { action: action.action },
        onsubmit: function (event) {
          event.preventDefault();
          errorBox.hidden = true;
          var body = { version: c.version };
          for (var i = 0; i < spec.fields.length; i += 1) {
            var f = spec.fields[i];
            var value = controls[f.name].value.trim();
            if (f.required && !value) {
              showError(errorBox, { message: "请填写" + f.label.replace(/（.*）/, "") });
              controls[f.name].focus();
              return;
            }
            if (!value || f.name === "due") continue;
            if (f.kind === "number") body[f.name] = parseInt(value, 10);
            else if (f.kind === "approve") body[f.name] = value === "true";
            else body[f.name] = value;
          }
          if (controls.due && controls.due.value) {
            body.reason = (body.reason ? body.reason + "；" : "") + "请于 " + controls.due.value + " 前办结";
          }
          submit.disabled = true;
          XF.api("/api/v1/staff/cases/" + encodeURIComponent(c.number) + "/" + action.path, { json: body }).then(
            function () {
              XF.toast(DONE[action.action] || action.label + "成功");
              return load();
            },
            function (error) {
              submit.disabled = false;
              showError(errorBox, error);
              XF.toast(error.message, "error");
            }
          );
        },
      },
        h("h3", { text: action.label }),
        spec.hint ? h("p", { className: "muted", text: spec.hint }) : null,
        rows,
        errorBox,
        h("div", { className: "form-actions" }, submit)
      );
    }

    function unitSelect(id, c) {
      var select = h("select", { id: id, name: "unit_code" }, option("", "请选择承办单位", true));
      var suggested = c.suggested_unit ? c.suggested_unit.code : "";
      loadLookups().then(function (result) {
        unitTree(result[0]).forEach(function (n) {
          var label = indent(n.depth) + n.unit.name + (n.unit.code === suggested ? "（建议）" : "");
          select.append(option(n.unit.code, label, n.unit.code === suggested));
        });
      }, function () {
        select.append(option("", "单位列表加载失败，请刷新", false));
      });
      return select;
    }

    load();
    return function () { alive = false; };
  }

  XF.register("cases", {
    title: "案件办理",
    order: 2,
    render: function (container, params) {
      if (params && params[0]) return renderCase(container, params[0]);
      return renderList(container);
    },
  });
})();
