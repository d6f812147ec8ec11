/*
 * Live conversations (会话): the queue of conversations that need a person,
 * updated by server-sent events; one conversation with its transcript, live;
 * 接管 / send / 转为案件 / 交还. Everything from the server is inserted as text.
 */
(function () {
  "use strict";

  var h = XF.h;
  var CHANNELS = { web_chat: "网页", hotline: "电话" };
  var INTENTS = {
    file_complaint: "投诉",
    give_suggestion: "建议",
    ask_policy: "政策咨询",
    check_status: "查询进度",
    request_human: "要求人工",
    emergency: "紧急情况",
    nlu_fallback: "未能理解",
    out_of_scope: "超出范围",
  };
  var PURPOSES = {
    complaint: "投诉",
    report: "举报",
    suggestion: "建议",
    consultation: "咨询",
    appeal: "求决",
  };
  var FIELDS = [
    ["purpose", "信访目的"],
    ["description", "问题描述"],
    ["request", "诉求"],
    ["occurred_at_text", "发生时间"],
    ["district", "区县"],
    ["street", "街道/乡镇"],
    ["community", "社区"],
    ["address", "详细地址"],
    ["name", "姓名"],
    ["phone", "联系电话"],
    ["anonymous", "匿名"],
    ["category", "内容分类"],
  ];

  function render(container, params) {
    var state = {
      items: [],
      selected: params[0] ? Number(params[0]) : null,
      detail: null,
      stopConversation: null,
      tick: null,
    };

    var queueList = h("div", { className: "queue", attrs: { "aria-live": "polite" } });
    var queueState = h("span", { className: "muted", text: "正在连接…" });
    var pane = h("section", { className: "conversation" }, h("p", { className: "muted", text: "从左侧选择一个会话。" }));
    container.appendChild(
      h(
        "div",
        { className: "split" },
        h("section", null, h("div", { className: "toolbar" }, h("h2", { text: "待接管会话" }), queueState), queueList),
        pane
      )
    );

    function renderQueue() {
      queueList.replaceChildren();
      if (!state.items.length) {
        queueList.appendChild(h("p", { className: "muted", text: "目前没有需要人工接管的会话。" }));
        return;
      }
      state.items.forEach(function (item) {
        var guess = [
          item.guess_intent && (INTENTS[item.guess_intent] || item.guess_intent),
          item.guess_category,
          item.guess_place,
        ].filter(Boolean);
        queueList.appendChild(
          h(
            "div",
            {
              className: "queue-item" + (item.id === state.selected ? " selected" : ""),
              dataset: { handoff: String(item.id) },
              attrs: { role: "button", tabindex: "0" },
              onclick: function () {
                XF.navigate("#/live/" + item.id);
              },
            },
            h(
              "div",
              { className: "row" },
              h("strong", { text: (CHANNELS[item.channel] || item.channel) + " · " + item.reason_label }),
              h("span", { className: "wait", dataset: { since: item.created_at }, text: XF.fmtWait(item.waiting_seconds) })
            ),
            h(
              "div",
              { className: "row" },
              h("span", { className: "muted", text: guess.length ? "机器判断：" + guess.join(" / ") : "机器判断：暂无" }),
              item.holder
                ? h("span", { className: "badge ok holder", text: (item.holder_name || item.holder) + " 接管中" })
                : h("span", { className: "badge warn", text: item.status_label })
            ),
            item.caller ? h("div", { className: "muted", text: "来电号码 " + item.caller }) : null
          )
        );
      });
    }

    function tickWaits() {
      queueList.querySelectorAll(".wait").forEach(function (el) {
        var since = new Date(el.dataset.since).getTime();
        if (!isNaN(since)) el.textContent = XF.fmtWait((Date.now() - since) / 1000);
      });
    }

    var stopQueue = XF.stream(
      "/api/v1/staff/handoffs/stream",
      function (frame) {
        if (frame.type !== "queue") return;
        state.items = frame.items || [];
        renderQueue();
      },
      function (status) {
        queueState.textContent = status === "open" ? "实时更新中" : "连接中断，正在重连…";
      }
    );
    state.tick = setInterval(tickWaits, 1000);

    function mine(handoff) {
      return handoff && XF.me && handoff.holder === XF.me.username && handoff.status !== "closed";
    }

    function messageEl(line) {
      var who = line.who === "user" ? "市民" : line.who === "staff" ? "工作人员 " + (line.staff_name || "") : "智能助手";
      return h(
        "div",
        { className: "msg " + line.who },
        h("span", { className: "who", text: who + " · " + XF.fmtTime(line.at) }),
        line.text
      );
    }

    function showConversation(detail) {
      state.detail = detail;
      var handoff = detail.handoff;
      var transcript = h("div", { className: "transcript", attrs: { "aria-live": "polite", "aria-label": "对话记录" } });
      detail.transcript.forEach(function (line) {
        transcript.appendChild(messageEl(line));
      });
      if (!detail.transcript_available) {
        transcript.appendChild(h("p", { className: "error", text: "对话记录暂时读取不到，请稍后刷新。" }));
      }

      var actions = h("div", { className: "toolbar" });
      var status = h("span", { className: "badge", text: handoff.status_label });
      var holder = h("span", { className: "muted holder-line" });
      var composerText = h("textarea", { attrs: { "aria-label": "回复市民", placeholder: "输入要发给市民的话…", maxlength: "2000" } });
      var sendButton = h("button", { type: "submit", className: "primary", text: "发送" });
      var composer = h("form", { className: "composer" }, composerText, sendButton);
      var draftForm = buildDraft(detail.draft);
      var receipt = h("div", { className: "receipt" });

      function refreshControls(current) {
        handoff = current;
        status.textContent = current.status_label;
        holder.textContent = current.holder
          ? "接管人：" + (current.holder_name || current.holder) + (current.claimed_at ? "（" + XF.fmtTime(current.claimed_at) + "）" : "")
          : "尚未接管";
        actions.replaceChildren();
        var open = current.status !== "closed";
        if (open && !current.holder) {
          actions.appendChild(h("button", { type: "button", className: "primary", text: current.channel === "hotline" ? "接听" : "接管", onclick: claim }));
          actions.appendChild(h("button", { type: "button", text: "结束", onclick: closeEntry }));
        }
        if (mine(current)) {
          actions.appendChild(h("button", { type: "button", text: current.channel === "hotline" ? "结束通话记录" : "交还智能助手", onclick: release }));
        }
        var canWrite = mine(current) && current.channel === "web_chat";
        composer.hidden = !canWrite;
        draftForm.querySelector("button[type=submit]").disabled = !mine(current) || Boolean(current.case_number);
        if (current.case_number && !receipt.textContent) {
          receipt.replaceChildren(h("p", { className: "badge ok", text: "已登记为案件 " + current.case_number }));
        }
      }

      function claim() {
        XF.api("/api/v1/staff/handoffs/" + handoff.id + "/claim", { method: "POST" })
          .then(function (current) {
            refreshControls(current);
            XF.toast("已接管，市民会看到您的回复");
            composerText.focus();
          })
          .catch(function (error) {
            XF.toast(error.message, "error");
            reload();
          });
      }

      function release() {
        XF.api("/api/v1/staff/handoffs/" + handoff.id + "/release", { method: "POST" })
          .then(function (current) {
            refreshControls(current);
            XF.toast(current.channel === "hotline" ? "已结束" : "已交还智能助手");
          })
          .catch(function (error) {
            XF.toast(error.message, "error");
          });
      }

      function closeEntry() {
        XF.api("/api/v1/staff/handoffs/" + handoff.id + "/close", { method: "POST" })
          .then(refreshControls)
          .catch(function (error) {
            XF.toast(error.message, "error");
          });
      }

      composer.addEventListener("submit", function (event) {
        event.preventDefault();
        var text = composerText.value.trim();
        if (!text) return;
        sendButton.disabled = true;
        XF.api("/api/v1/staff/handoffs/" + handoff.id + "/messages", { json: { text: text } })
          .then(function () {
            composerText.value = "";
          })
          .catch(function (error) {
            XF.toast(error.message, "error");
          })
          .then(function () {
            sendButton.disabled = false;
            composerText.focus();
          });
      });
      composerText.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          composer.requestSubmit();
        }
      });

      draftForm.addEventListener("submit", function (event) {
        event.preventDefault();
        var body = readDraft(draftForm);
        if (!body.description) return XF.toast("请填写问题描述", "error");
        XF.api("/api/v1/staff/handoffs/" + handoff.id + "/case", { json: body })
          .then(function (out) {
            receipt.replaceChildren(
              h("p", { className: "badge ok", text: "已登记为案件 " + out.number }),
              h("p", { text: "查询码 " + out.query_code + " · 承办单位 " + out.responsible_unit + " · 受理期限 " + out.accept_by }),
              h("p", { className: "muted", text: out.citizen_told ? "编号和查询码已发给市民。" : "请把编号和查询码告诉市民。" })
            );
            refreshControls(out.handoff);
            XF.toast("已登记为案件 " + out.number);
          })
          .catch(function (error) {
            XF.toast(error.message, "error");
          });
      });

      pane.replaceChildren(
        h(
          "div",
          { className: "toolbar" },
          h("h2", { text: (CHANNELS[handoff.channel] || handoff.channel) + "会话 · " + handoff.reason_label }),
          status,
          holder
        ),
        actions,
        transcript,
        composer,
        h("h3", { text: "案件草稿" }),
        h("p", { className: "muted", text: "根据对话已填好的内容，请核对修改后登记，无需市民重复说明。" }),
        draftForm,
        receipt
      );
      refreshControls(handoff);
      transcript.scrollTop = transcript.scrollHeight;

      if (state.stopConversation) state.stopConversation();
      state.stopConversation = XF.stream("/api/v1/staff/handoffs/" + handoff.id + "/stream", function (frame) {
        if (frame.type === "message") {
          var nearBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 60;
          transcript.appendChild(messageEl(frame));
          if (nearBottom || frame.who !== "user") transcript.scrollTop = transcript.scrollHeight;
        } else if (frame.type === "handoff") {
          refreshControls(frame);
        }
      });
    }

    function buildDraft(draft) {
      var form = h("form", { className: "fields draft" });
      FIELDS.forEach(function (field) {
        var name = field[0];
        var id = "draft-" + name;
        var input;
        if (name === "purpose") {
          input = h("select", { id: id, name: name });
          Object.keys(PURPOSES).forEach(function (key) {
            input.appendChild(h("option", { value: key, text: PURPOSES[key], selected: draft.purpose === key }));
          });
        } else if (name === "anonymous") {
          input = h("input", { id: id, name: name, type: "checkbox", checked: Boolean(draft.anonymous) });
        } else if (name === "description") {
          input = h("textarea", { id: id, name: name, value: draft.description || "", attrs: { maxlength: "5000" } });
        } else {
          input = h("input", { id: id, name: name, value: draft[name] || "" });
        }
        form.appendChild(h("label", { attrs: { for: id }, text: field[1] }));
        form.appendChild(input);
      });
      form.appendChild(h("span"));
      form.appendChild(h("button", { type: "submit", className: "primary", text: "转为案件" }));
      return form;
    }

    function readDraft(form) {
      var body = {};
      FIELDS.forEach(function (field) {
        var input = form.elements[field[0]];
        if (field[0] === "anonymous") body.anonymous = input.checked;
        else {
          var value = input.value.trim();
          body[field[0]] = value || null;
        }
      });
      body.description = body.description || "";
      return body;
    }

    function reload() {
      if (!state.selected) return;
      XF.api("/api/v1/staff/handoffs/" + state.selected)
        .then(showConversation)
        .catch(function (error) {
          pane.replaceChildren(h("p", { className: "error", text: error.message }));
        });
    }

    reload();

    return function cleanup() {
      stopQueue();
      if (state.stopConversation) state.stopConversation();
      clearInterval(state.tick);
    };
  }

  XF.register("live", { title: "实时会话", order: 1, render: render });
})();
