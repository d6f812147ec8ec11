/*
 * 郑州市12345 智慧信访助手 — citizen web chat.
 *
 * Speaks the socket.io protocol of Rasa's built-in `socketio` channel
 * (session_request / session_confirm / user_uttered / bot_uttered) with
 * session_persistence on. Everything the bot or the citizen wrote is put into
 * the page with textContent, never as HTML.
 */
(function () {
  "use strict";

  var MAX_CHARS = 2000; // see docs in web/README.md: guards against accidental pastes
  var CHANNEL = "web_chat";
  var SESSION_KEY = "xf.chat.session_id"; // localStorage: a reload continues the conversation
  var TRANSCRIPT_KEY = "xf.chat.transcript"; // sessionStorage: gone when the tab closes
  var TRANSCRIPT_LIMIT = 200;
  var REPLY_TIMEOUT_MS = 30000;
  var CONFIG_RETRY_MS = 5000;

  var TEXT = {
    connecting: "正在连接智慧信访助手…",
    reconnecting: "网络连接中断，正在重新连接…",
    unavailable: "服务暂时不可用，正在重试。您也可以拨打 12345 热线反映问题。",
    rejected: "无法连接到智慧信访助手，请稍后刷新页面重试，或拨打 12345 热线。",
    noReply: "暂未收到回复，请稍候。如长时间没有回复，可拨打 12345 热线。",
    overLimit: function (n) {
      return "已超出" + MAX_CHARS + "字（当前" + n + "字），请删减后发送，或分几次发送。";
    },
    confirmNew: "开始新对话将清除本页面上的对话记录，确定吗？",
    me: "我：",
    bot: "助手：",
    staff: "人工客服",
    image: "图片",
  };

  var el = {
    messages: document.getElementById("messages"),
    chat: document.getElementById("chat"),
    typing: document.getElementById("typing"),
    banner: document.getElementById("connection-banner"),
    form: document.getElementById("composer-form"),
    input: document.getElementById("input"),
    send: document.getElementById("send"),
    counter: document.getElementById("counter"),
    limitError: document.getElementById("limit-error"),
    newChat: document.getElementById("new-chat"),
  };

  var socket = null;
  var staffMode = false; // a staff member has taken the conversation over (人工接管)
  var ready = false; // connected and session confirmed
  var replyTimer = null;

  // ---- storage (never fatal: private mode may forbid it) ----

  function storageGet(store, key) {
    try {
      return store.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function storageSet(store, key, value) {
    try {
      if (value === null) store.removeItem(key);
      else store.setItem(key, value);
    } catch (e) {
      /* the chat still works, it just will not survive a reload */
    }
  }

  function loadTranscript() {
    try {
      var parsed = JSON.parse(storageGet(window.sessionStorage, TRANSCRIPT_KEY) || "[]");
      return Array.isArray(parsed) ? parsed : [];
    } catch (e) {
      return [];
    }
  }

  function remember(entry) {
    var transcript = loadTranscript();
    transcript.push(entry);
    storageSet(
      window.sessionStorage,
      TRANSCRIPT_KEY,
      JSON.stringify(transcript.slice(-TRANSCRIPT_LIMIT))
    );
  }

  // ---- rendering ----

  function charCount(text) {
    return Array.from(text).length; // code points, so an emoji counts as one
  }

  function scrollToEnd() {
    el.chat.scrollTop = el.chat.scrollHeight;
  }

  function addMessage(who, text) {
    var item = document.createElement("li");
    item.className = "msg msg-" + who;
    var speaker = document.createElement("span");
    // a person's messages say so visibly; the bot's and the citizen's only to screen readers
    speaker.className = who === "staff" ? "speaker" : "visually-hidden";
    speaker.textContent = who === "user" ? TEXT.me : who === "staff" ? TEXT.staff : TEXT.bot;
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = text;
    item.appendChild(speaker);
    item.appendChild(bubble);
    el.messages.appendChild(item);
    scrollToEnd();
    return item;
  }

  function addNote(text) {
    var item = document.createElement("li");
    item.className = "msg msg-note";
    item.textContent = text;
    el.messages.appendChild(item);
    scrollToEnd();
  }

  function addImage(item, src) {
    if (!/^https?:\/\//i.test(src)) return;
    var img = document.createElement("img");
    img.className = "attachment";
    img.alt = TEXT.image;
    img.loading = "lazy";
    img.src = src;
    item.appendChild(img);
  }

  function addChips(item, buttons, active) {
    var group = document.createElement("div");
    group.className = "chips";
    group.setAttribute("role", "group");
    buttons.forEach(function (button) {
      var title = String(button.title || button.payload || "");
      if (!title) return;
      var chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.textContent = title;
      chip.disabled = !active;
      chip.addEventListener("click", function () {
        if (sendMessage(String(button.payload || title), title)) {
          chip.classList.add("chosen");
          Array.prototype.forEach.call(group.children, function (c) {
            c.disabled = true;
          });
        }
      });
      group.appendChild(chip);
    });
    if (group.children.length) item.appendChild(group);
  }

  function disableOldChips() {
    var chips = el.messages.querySelectorAll(".msg .chip");
    Array.prototype.forEach.call(chips, function (chip) {
      chip.disabled = true;
    });
  }

  function buttonsOf(data) {
    var list = data.quick_replies || data.buttons || [];
    return Array.isArray(list) ? list : [];
  }

  function imageOf(data) {
    var att = data.attachment;
    if (att && att.type === "image" && att.payload && typeof att.payload.src === "string") {
      return att.payload.src;
    }
    return typeof data.image === "string" ? data.image : null;
  }

  function renderBot(entry, active) {
    var item = addMessage(entry.staff ? "staff" : "bot", entry.text || "");
    if (!entry.text) item.querySelector(".bubble").remove();
    if (entry.image) addImage(item, entry.image);
    if (entry.buttons && entry.buttons.length) addChips(item, entry.buttons, active);
    scrollToEnd();
  }

  function restoreTranscript() {
    var transcript = loadTranscript();
    transcript.forEach(function (entry, index) {
      if (entry.who === "user") addMessage("user", String(entry.text || ""));
      else if (entry.who === "bot") renderBot(entry, index === transcript.length - 1);
    });
  }

  // ---- waiting / connection state ----

  function setTyping(on) {
    if (on && staffMode) on = false;
    el.typing.hidden = !on;
    window.clearTimeout(replyTimer);
    if (on) {
      scrollToEnd();
      replyTimer = window.setTimeout(function () {
        el.typing.hidden = true;
        addNote(TEXT.noReply);
      }, REPLY_TIMEOUT_MS);
    }
  }

  function setBanner(text) {
    el.banner.hidden = !text;
    el.banner.textContent = text || "";
  }

  function setReady(on) {
    ready = on;
    document.body.setAttribute("data-connection", on ? "ready" : "waiting");
    updateComposer();
  }

  function updateComposer() {
    var text = el.input.value;
    var count = charCount(text);
    var over = count > MAX_CHARS;
    el.counter.textContent = count + "/" + MAX_CHARS;
    el.counter.classList.toggle("over", over);
    el.counter.classList.toggle("near", !over && count > MAX_CHARS * 0.9);
    el.limitError.hidden = !over;
    el.limitError.textContent = over ? TEXT.overLimit(count) : "";
    el.input.setAttribute("aria-invalid", over ? "true" : "false");
    el.send.disabled = !ready || over || text.trim() === "";
  }

  function autoGrow() {
    el.input.style.height = "auto";
    el.input.style.height = el.input.scrollHeight + "px";
  }

  // ---- protocol ----

  function sendMessage(message, shown) {
    if (!ready || !socket) return false;
    socket.emit("user_uttered", {
      message: message,
      session_id: storageGet(window.localStorage, SESSION_KEY),
      metadata: { channel: CHANNEL },
    });
    disableOldChips();
    addMessage("user", shown);
    remember({ who: "user", text: shown });
    setTyping(true);
    return true;
  }

  function onBotUttered(data) {
    if (!data || typeof data !== "object") return;
    var entry = { who: "bot" };
    if (typeof data.text === "string") entry.text = data.text;
    if (data.sender === "staff") entry.staff = true;
    staffMode = Boolean(entry.staff); // while a person is there, silence is not an error
    var buttons = buttonsOf(data)
      .filter(function (b) {
        return b && (b.title || b.payload);
      })
      .map(function (b) {
        return { title: String(b.title || b.payload), payload: String(b.payload || b.title) };
      });
    if (buttons.length) entry.buttons = buttons;
    var image = imageOf(data);
    if (image) entry.image = image;
    if (!entry.text && !entry.buttons && !entry.image) return;
    setTyping(false);
    renderBot(entry, true);
    remember(entry);
  }

  function onSessionConfirm(data) {
    var id = typeof data === "string" ? data : data && data.session_id;
    if (!id) return;
    storageSet(window.localStorage, SESSION_KEY, String(id));
    setReady(true);
  }

  function connect(socketUrl) {
    // Long-polling only: Rasa 3.6 serves socket.io through Sanic 21.12, whose
    // WebSocket implementation fails on Python 3.11 ("Passing coroutines is
    // forbidden"), and a failed upgrade drops the session. Polling is plenty for chat.
    socket = window.io(socketUrl, {
      path: "/socket.io",
      transports: ["polling"],
      reconnectionDelayMax: 5000,
    });
    socket.on("connect", function () {
      setBanner("");
      socket.emit("session_request", {
        session_id: storageGet(window.localStorage, SESSION_KEY),
      });
    });
    socket.on("session_confirm", onSessionConfirm);
    socket.on("bot_uttered", onBotUttered);
    socket.on("disconnect", function (reason) {
      setReady(false);
      el.typing.hidden = true;
      window.clearTimeout(replyTimer);
      setBanner(TEXT.reconnecting);
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on("connect_error", function () {
      setReady(false);
      setBanner(socket.active ? TEXT.reconnecting : TEXT.rejected);
    });
  }

  function loadConfigAndConnect() {
    setBanner(TEXT.connecting);
    fetch("/api/v1/public-config", { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (config) {
        if (!config || typeof config.rasa_socket_url !== "string") {
          throw new Error("rasa_socket_url missing");
        }
        connect(config.rasa_socket_url);
      })
      .catch(function () {
        setBanner(TEXT.unavailable);
        window.setTimeout(loadConfigAndConnect, CONFIG_RETRY_MS);
      });
  }

  function startNewConversation() {
    if (!window.confirm(TEXT.confirmNew)) return;
    storageSet(window.localStorage, SESSION_KEY, null);
    storageSet(window.sessionStorage, TRANSCRIPT_KEY, null);
    el.messages.textContent = "";
    setTyping(false);
    if (socket) {
      setReady(false);
      socket.disconnect().connect(); // a fresh session_request without an id
    }
  }

  // ---- wiring ----

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = el.input.value;
    if (el.send.disabled || text.trim() === "") return;
    if (sendMessage(text, text)) {
      el.input.value = "";
      autoGrow();
      updateComposer();
    }
  });

  el.input.addEventListener("input", function () {
    autoGrow();
    updateComposer();
  });

  el.input.addEventListener("keydown", function (event) {
    // Enter sends; Shift+Enter breaks the line; never while an IME is composing.
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) {
      return;
    }
    event.preventDefault();
    el.form.requestSubmit();
  });

  document.querySelectorAll(".welcome .chip").forEach(function (chip) {
    chip.addEventListener("click", function () {
      sendMessage(chip.getAttribute("data-payload"), chip.textContent);
    });
  });

  el.newChat.addEventListener("click", startNewConversation);

  restoreTranscript();
  updateComposer();
  if (typeof window.io !== "function") {
    setBanner(TEXT.rejected); // vendor/socket.io.min.js missing: run `npm ci --prefix web`
  } else {
    loadConfigAndConnect();
  }
})();
