/*
 * Staff console core (工作台): sign-in, API calls, safe DOM building and the
 * hash router. Views register themselves with XF.register(); every text from
 * the server is inserted as text (XF.h never sets innerHTML).
 *
 *   XF.api(path, {method, json, form, query}) -> Promise<parsed JSON | null>
 *       throws XF.ApiError {status, message}; a 401 returns to the login page.
 *   XF.download(path, filename)   fetches with the token and saves the file
 *   XF.h(tag, props, ...children) element builder; strings become text nodes
 *   XF.register(name, {title, order, render(container, params) -> cleanup?})
 *   XF.navigate("#/cases"), XF.me (the signed-in staff member), XF.toast(text)
 *   XF.fmtTime(iso), XF.fmtDate(iso), XF.stream(path, onMessage) (SSE with token)
 */
(function () {
  "use strict";

  var TOKEN_KEY = "xf.console.token";
  var views = {};
  var current = { name: null, cleanup: null };

  function ApiError(status, message) {
    this.status = status;
    this.message = message;
  }
  ApiError.prototype = Object.create(Error.prototype);

  function token() {
    return window.sessionStorage.getItem(TOKEN_KEY);
  }

  function detailText(body, status) {
    if (body && typeof body.detail === "string") return body.detail;
    if (body && Array.isArray(body.detail) && body.detail.length) {
      return "填写的内容不符合要求，请检查后再提交";
    }
    if (status >= 500) return "系统暂时出了问题，请稍后再试";
    return "操作没有成功（" + status + "）";
  }

  function withQuery(path, query) {
    if (!query) return path;
    var parts = [];
    Object.keys(query).forEach(function (key) {
      var value = query[key];
      if (value === undefined || value === null || value === "") return;
      parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(value));
    });
    return parts.length ? path + (path.indexOf("?") < 0 ? "?" : "&") + parts.join("&") : path;
  }

  function api(path, options) {
    options = options || {};
    var headers = { Accept: "application/json" };
    var body;
    if (token()) headers.Authorization = "Bearer " + token();
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.json);
    } else if (options.form) {
      body = new URLSearchParams(options.form);
    }
    return window
      .fetch(withQuery(path, options.query), {
        method: options.method || (body ? "POST" : "GET"),
        headers: headers,
        body: body,
      })
      .then(
        function (response) {
          return response.text().then(function (text) {
            var parsed = null;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch (e) {
              parsed = null;
            }
            if (response.status === 401 && path.indexOf("/api/v1/auth/token") < 0) {
              signOut("登录已过期，请重新登录");
            }
            if (!response.ok) throw new ApiError(response.status, detailText(parsed, response.status));
            return parsed;
          });
        },
        function () {
          throw new ApiError(0, "连接不上服务器，请检查网络后重试");
        }
      );
  }

  function download(path, filename) {
    return window
      .fetch(path, { headers: { Authorization: "Bearer " + token() } })
      .then(function (response) {
        if (!response.ok) throw new ApiError(response.status, "导出没有成功，请稍后再试");
        return response.blob();
      })
      .then(function (blob) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = filename;
        document.body.appendChild(link);
        link.click();
        setTimeout(function () {
          URL.revokeObjectURL(link.href);
          link.remove();
        }, 1000);
      });
  }

  /* Server-sent events with the bearer token (EventSource cannot send headers). */
  function stream(path, onMessage, onState) {
    var stopped = false;
    var controller = null;
    function run() {
      if (stopped) return;
      controller = new AbortController();
      window
        .fetch(path, {
          headers: { Authorization: "Bearer " + token(), Accept: "text/event-stream" },
          signal: controller.signal,
        })
        .then(function (response) {
          if (response.status === 401) return signOut("登录已过期，请重新登录");
          if (!response.ok || !response.body) throw new Error("stream " + response.status);
          if (onState) onState("open");
          var reader = response.body.getReader();
          var decoder = new TextDecoder();
          var buffer = "";
          function pump() {
            return reader.read().then(function (chunk) {
              if (chunk.done) throw new Error("stream ended");
              buffer += decoder.decode(chunk.value, { stream: true });
              var end;
              while ((end = buffer.indexOf("\n\n")) >= 0) {
                var frame = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                var data = frame
                  .split("\n")
                  .filter(function (line) {
                    return line.indexOf("data:") === 0;
                  })
                  .map(function (line) {
                    return line.slice(5).trim();
                  })
                  .join("\n");
                if (data) {
                  try {
                    onMessage(JSON.parse(data));
                  } catch (e) {
                    /* a frame we do not understand is skipped */
                  }
                }
              }
              return pump();
            });
          }
          return pump();
        })
        .catch(function () {
          if (stopped) return;
          if (onState) onState("reconnecting");
          setTimeout(run, 1000);
        });
    }
    run();
    return function stop() {
      stopped = true;
      if (controller) controller.abort();
    };
  }

  function h(tag, props) {
    var el = document.createElement(tag);
    props = props || {};
    Object.keys(props).forEach(function (key) {
      var value = props[key];
      if (value === undefined || value === null || value === false) return;
      if (key === "text") el.textContent = String(value);
      else if (key === "className") el.className = value;
      else if (key === "attrs") {
        Object.keys(value).forEach(function (name) {
          if (value[name] !== undefined && value[name] !== null) el.setAttribute(name, value[name]);
        });
      } else if (key === "dataset") {
        Object.keys(value).forEach(function (name) {
          el.dataset[name] = value[name];
        });
      } else if (key.indexOf("on") === 0 && typeof value === "function") {
        el.addEventListener(key.slice(2), value);
      } else {
        el[key] = value;
      }
    });
    for (var i = 2; i < arguments.length; i += 1) append(el, arguments[i]);
    return el;
  }

  function append(el, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) child.forEach(function (c) { append(el, c); });
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function fmtTime(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    return (
      d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes())
    );
  }

  function fmtDate(iso) {
    return iso ? String(iso).slice(0, 10) : "";
  }

  function fmtWait(seconds) {
    seconds = Math.max(0, Math.round(seconds || 0));
    if (seconds < 60) return seconds + " 秒";
    if (seconds < 3600) return Math.floor(seconds / 60) + " 分 " + (seconds % 60) + " 秒";
    return Math.floor(seconds / 3600) + " 小时 " + Math.floor((seconds % 3600) / 60) + " 分";
  }

  var toastTimer = null;
  function toast(text, kind) {
    var box = document.getElementById("toast");
    box.textContent = text;
    box.className = "toast" + (kind ? " " + kind : "");
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () {
      box.hidden = true;
    }, 4000);
  }

  function register(name, view) {
    views[name] = view;
  }

  function navigate(hash) {
    if (window.location.hash === hash) route();
    else window.location.hash = hash;
  }

  function parseHash() {
    var parts = (window.location.hash || "").replace(/^#\/?/, "").split("/");
    var name = parts[0] || defaultView();
    return { name: name, params: parts.slice(1).map(decodeURIComponent) };
  }

  function defaultView() {
    var names = orderedViews();
    return names.length ? names[0] : "";
  }

  function orderedViews() {
    return Object.keys(views)
      .filter(function (name) { return !views[name].hidden; })
      .sort(function (a, b) { return (views[a].order || 99) - (views[b].order || 99); });
  }

  function renderNav(active) {
    var nav = document.getElementById("nav");
    nav.replaceChildren();
    orderedViews().forEach(function (name) {
      nav.appendChild(
        h("a", {
          href: "#/" + name,
          text: views[name].title,
          className: name === active || views[active] && views[active].navAs === name ? "active" : "",
        })
      );
    });
    nav.hidden = false;
  }

  function route() {
    if (!XF.me) return;
    var target = parseHash();
    var view = views[target.name] || views[defaultView()];
    if (!view) return;
    if (current.cleanup) {
      try { current.cleanup(); } catch (e) { /* leaving a view never fails */ }
    }
    var container = document.getElementById("view");
    container.replaceChildren();
    container.hidden = false;
    renderNav(views[target.name] ? target.name : defaultView());
    current.name = target.name;
    current.cleanup = view.render(container, target.params) || null;
  }

  function showLogin(message) {
    document.getElementById("view").hidden = true;
    document.getElementById("nav").hidden = true;
    document.getElementById("logout").hidden = true;
    document.getElementById("whoami").textContent = "";
    document.getElementById("login").hidden = false;
    document.getElementById("login-error").textContent = message || "";
    document.getElementById("login-user").focus();
  }

  function signOut(message) {
    window.sessionStorage.removeItem(TOKEN_KEY);
    XF.me = null;
    if (current.cleanup) {
      try { current.cleanup(); } catch (e) { /* ignore */ }
      current.cleanup = null;
    }
    showLogin(message);
  }

  function signedIn(me) {
    XF.me = me;
    document.getElementById("login").hidden = true;
    document.getElementById("logout").hidden = false;
    document.getElementById("whoami").textContent =
      (me.unit_name || "") + " · " + (me.role_label || me.role) + " · " + me.username;
    route();
  }

  function start() {
    document.getElementById("login-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var username = document.getElementById("login-user").value.trim();
      var password = document.getElementById("login-password").value;
      api("/api/v1/auth/token", { form: { username: username, password: password } })
        .then(function (tokenOut) {
          window.sessionStorage.setItem(TOKEN_KEY, tokenOut.access_token);
          document.getElementById("login-password").value = "";
          return api("/api/v1/auth/me");
        })
        .then(signedIn)
        .catch(function (error) {
          document.getElementById("login-error").textContent =
            error.status === 401 || error.status === 400 ? "用户名或密码不正确" : error.message;
        });
    });
    document.getElementById("logout").addEventListener("click", function () {
      signOut("");
    });
    window.addEventListener("hashchange", route);
    if (!token()) return showLogin("");
    api("/api/v1/auth/me").then(signedIn, function () {
      signOut("");
    });
  }

  window.XF = {
    me: null,
    api: api,
    download: download,
    stream: stream,
    h: h,
    register: register,
    navigate: navigate,
    toast: toast,
    fmtTime: fmtTime,
    fmtDate: fmtDate,
    fmtWait: fmtWait,
    ApiError: ApiError,
    start: start,
  };
})();
