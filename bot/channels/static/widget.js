/*
 * ECFMG Guide website widget. One script tag adds a chat bubble in a corner of the page:
 *   <script src="https://BOT/chat/static/widget.js" defer></script>
 * With data-container="#some-element" (or data-mode="container") the chat fills that element instead.
 * Other options: data-position (bottom-right, bottom-left), data-socket-url, data-title (README, "Website widget").
 *
 * The widget lives in a shadow root, so the host page's styles and ours never meet. It talks to the bot's
 * socket.io channel (bot/channels/webchat.py): session_request/session_confirm, user_uttered
 * ({message, session_id, button}), bot_uttered, reply_complete. Message text only ever reaches the page through
 * textContent and validated link addresses, so markup in bot or user text shows as text.
 */
(function () {
  "use strict";

  // A site that pastes the tag twice gets one widget, not two bubbles talking over each other.
  if (window.EcfmgGuide) return;

  var STORAGE_KEY = "ecfmg-guide.chat";
  var LAUNCHER_KEY = "ecfmg-guide.launcher";
  var MAX_STORED_MESSAGES = 200;
  var REPLY_TIMEOUT_MS = 60000;
  var LINK = /\[([^\[\]]+)\]\(([^()\s]+)\)/g;
  var LIST_ITEM = /^(?:([-*])|(\d+)[.)])\s+(.*)$/;
  // Below this width the open panel covers the screen; also where 400 % zoom on a laptop lands.
  var NARROW_SCREEN = "(max-width: 599px)";
  var POSITIONS = ["bottom-right", "bottom-left"];
  var FOCUSABLE = "button, a[href], input, [tabindex='0']";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var CHAT_ICON = "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z" +
    "m3 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z" +
    "m5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z";
  var CLOSE_ICON = "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4z";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function icon(path, className) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("class", "eg-icon " + className);
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var shape = document.createElementNS(SVG_NS, "path");
    shape.setAttribute("d", path);
    svg.appendChild(shape);
    return svg;
  }

  function button(className, text) {
    var node = el("button", className, text);
    node.type = "button";
    return node;
  }

  function safeUrl(address) {
    try {
      var url = new URL(address);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (err) {
      return null;
    }
  }

  // One line of text with [label](http…) links; anything else, markup included, stays text.
  function appendInline(parent, line) {
    var last = 0;
    line.replace(LINK, function (match, label, address, offset) {
      var href = safeUrl(address);
      if (!href) return match;
      if (offset > last) parent.appendChild(document.createTextNode(line.slice(last, offset)));
      var link = el("a", "eg-link", label);
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
      last = offset + match.length;
      return match;
    });
    if (last < line.length) parent.appendChild(document.createTextNode(line.slice(last)));
  }

  // Blank lines part paragraphs; "- x", "* x" and "1. x" lines become lists; other line breaks stay.
  function renderText(text) {
    var body = el("div", "eg-text");
    String(text).split(/\n\s*\n/).forEach(function (block) {
      var lines = block.split("\n").filter(function (l) { return l.trim() !== ""; });
      var paragraph = null;
      var list = null;
      lines.forEach(function (line) {
        var item = LIST_ITEM.exec(line.trim());
        if (item) {
          var tag = item[1] ? "ul" : "ol";
          if (!list || list.tagName.toLowerCase() !== tag) {
            list = el(tag, "eg-list");
            if (item[2] && item[2] !== "1") list.start = Number(item[2]);
            body.appendChild(list);
          }
          var li = el("li");
          appendInline(li, item[3]);
          list.appendChild(li);
          paragraph = null;
          return;
        }
        list = null;
        if (paragraph) {
          paragraph.appendChild(el("br"));
        } else {
          paragraph = el("p", "eg-paragraph");
          body.appendChild(paragraph);
        }
        appendInline(paragraph, line);
      });
    });
    return body;
  }

  // A message as a list item: {who: "bot"|"user", text, buttons: [{title, payload}]}.
  function renderMessage(message, onButton) {
    var item = el("li", "eg-message eg-message--" + message.who);
    item.appendChild(el("span", "eg-visually-hidden", message.who === "bot" ? "ECFMG Guide said:" : "You said:"));
    var bubble = el("div", "eg-bubble");
    bubble.appendChild(message.who === "bot" ? renderText(message.text || "") : el("p", "eg-paragraph eg-user-text", message.text));
    item.appendChild(bubble);
    if (message.buttons && message.buttons.length) {
      var group = el("div", "eg-buttons");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Suggested replies");
      message.buttons.forEach(function (choice) {
        var b = button("eg-button", choice.title);
        b.addEventListener("click", function () { if (onButton) onButton(choice); });
        group.appendChild(b);
      });
      item.appendChild(group);
    }
    return item;
  }

  // What a screen reader says for a new bot message: the text without link addresses, then its buttons.
  function spokenText(title, message) {
    var words = title + " said: " + String(message.text).replace(LINK, "$1");
    var buttons = message.buttons || [];
    if (!buttons.length) return words;
    return words + " Reply buttons: " + buttons.map(function (b) { return b.title; }).join(", ") + ".";
  }

  // What bot_uttered carries (Rasa's socket.io format) as a message; null when there is nothing to show.
  function fromBotUttered(data) {
    if (!data || typeof data !== "object") return null;
    var text = typeof data.text === "string" ? data.text : "";
    var buttons = (Array.isArray(data.quick_replies) ? data.quick_replies : [])
      .filter(function (b) { return b && typeof b.title === "string" && typeof b.payload === "string"; })
      .map(function (b) { return { title: b.title, payload: b.payload }; });
    if (!text && !buttons.length) return null;
    return { id: typeof data.id === "string" ? data.id : newId(), who: "bot", text: text, buttons: buttons };
  }

  function newId() { return Date.now().toString(36) + Math.random().toString(36).slice(2, 10); }

  function readStored(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (err) {
      return null;  // unreadable or blocked storage: start afresh
    }
  }

  function writeStored(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (err) { /* private mode or full: the chat still works, it just won't survive a reload */ }
  }

  function loadState() {
    var state = readStored(STORAGE_KEY);
    if (state && typeof state.sessionId === "string" && Array.isArray(state.messages)) return state;
    return { sessionId: null, messages: [] };
  }

  function saveState(state) {
    state.messages = state.messages.slice(-MAX_STORED_MESSAGES);
    writeStored(STORAGE_KEY, state);
  }

  function focusIsIn(node) {
    var active = node.getRootNode().activeElement;
    return !!active && node.contains(active);
  }

  // The chat itself, as a container fills it or the launcher's panel shows it; `closable` adds a close button.
  function buildShell(title, closable) {
    var root = el(closable ? "div" : "section", "eg-widget");
    root.setAttribute("aria-label", title + " chat");
    var header = el("header", "eg-header");
    var heading = el("div", "eg-heading");
    heading.appendChild(el("h2", "eg-title", title));
    heading.appendChild(el("p", "eg-subtitle", "Answers on ECFMG Certification, each with its official source"));
    header.appendChild(heading);
    var restart = button("eg-restart", "New chat");
    header.appendChild(restart);
    var close = null;
    if (closable) {
      close = button("eg-close");
      close.setAttribute("aria-label", "Close chat");
      close.appendChild(icon(CLOSE_ICON, "eg-icon-close"));
      header.appendChild(close);
    }
    root.appendChild(header);

    var hint = el("p", "eg-hint", "Ask about ECFMG Certification in your own words, for example \u201cWhat are the " +
      "steps, in order?\u201d or \u201cHow much is the application fee?\u201d Every answer links to its official source.");
    root.appendChild(hint);

    var log = el("ol", "eg-log");
    log.setAttribute("aria-label", "Conversation");
    log.tabIndex = 0;  // a long answer scrolls, and a keyboard must be able to scroll it too
    root.appendChild(log);

    // Seen, not heard: the reply itself is announced when it comes.
    var typing = el("div", "eg-typing");
    typing.hidden = true;
    typing.setAttribute("aria-hidden", "true");
    var dots = el("span", "eg-dots");
    [1, 2, 3].forEach(function () { dots.appendChild(el("span")); });
    typing.appendChild(dots);
    typing.appendChild(el("span", "eg-typing-text", title + " is typing…"));
    root.appendChild(typing);

    var notice = el("p", "eg-notice");
    notice.setAttribute("role", "status");
    root.appendChild(notice);

    var form = el("form", "eg-form");
    var inputId = "eg-input-" + Math.random().toString(36).slice(2, 8);
    var label = el("label", "eg-visually-hidden", "Your question");
    label.htmlFor = inputId;
    var input = el("input", "eg-input");
    input.id = inputId;
    input.type = "text";
    input.autocomplete = "off";
    input.placeholder = "Type your question…";
    var send = el("button", "eg-send", "Send");
    send.type = "submit";
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);
    root.appendChild(form);

    // The one live region: each new bot message is added here once, as plain text; it empties when the
    // visitor says something again, so what was read never piles up for screen readers browsing the page.
    var announcer = el("div", "eg-visually-hidden");
    announcer.setAttribute("role", "log");
    return { root: root, hint: hint, log: log, typing: typing, notice: notice, form: form, input: input,
             restart: restart, close: close, announcer: announcer };
  }

  // The socket.io client from the bot; a host page's own `io` global is put back, so its code keeps its version.
  function loadSocketClient(base, ready, failed) {
    var hostIo = window.io;
    var script = document.createElement("script");
    script.src = base + "/vendor/socket.io.min.js";
    script.addEventListener("load", function () {
      var io = window.io;
      if (hostIo === undefined) delete window.io; else window.io = hostIo;
      if (typeof io === "function") {
        ready(io);
      } else {  // a page with an AMD loader (RequireJS) takes the client as a module instead of a global
        window.console.error("ECFMG Guide widget: the socket.io client did not load as window.io.");
        failed();
      }
    });
    script.addEventListener("error", failed);
    document.head.appendChild(script);
  }

  // Conversation, socket and storage behind one shell. The socket opens on connect(): the launcher waits
  // until the visitor opens it (or has a conversation), so a site's every page view costs the bot nothing.
  function startChat(ui, options, onBotMessage) {
    var state = loadState();
    var socket = null;
    var connecting = false;
    var outbox = [];  // sent before the socket connected; goes out after session_request, never before
    var waiting = 0;
    var replyTimer = null;
    var onScreen = {};  // ids of the messages shown, so one arriving twice (this tab and another) shows once

    function scrollToEnd() { ui.log.scrollTop = ui.log.scrollHeight; }

    // A reply taller than the conversation area is shown from its first line, not its last.
    function reveal(item) {
      if (item && item.classList.contains("eg-message--bot") && item.offsetHeight > ui.log.clientHeight) {
        ui.log.scrollTop = item.offsetTop - 8;
      } else {
        scrollToEnd();
      }
    }

    function clearLog() {
      var hadFocus = focusIsIn(ui.log);
      ui.log.textContent = "";
      ui.announcer.textContent = "";
      ui.hint.hidden = false;
      onScreen = {};
      if (hadFocus) ui.input.focus();  // the focused button is gone; never leave focus on nothing
    }

    // `live`: said just now, not restored from storage. A live bot message is announced and may light the
    // badge; a live message of the visitor's (from this tab or another) ends what was announced before.
    function show(message, live) {
      if (message.id && onScreen[message.id]) return;
      if (message.id) onScreen[message.id] = true;
      var item = renderMessage(message, sendButton);
      ui.log.appendChild(item);
      ui.hint.hidden = true;
      reveal(item);
      if (!live) return;
      if (message.who === "user") {
        ui.announcer.textContent = "";
        return;
      }
      ui.announcer.appendChild(el("p", null, spokenText(options.title, message)));
      onBotMessage();
    }

    // Another tab of the site may share this conversation: start from what it stored, add ours once.
    function remember(message) {
      var stored = loadState();
      if (stored.sessionId && stored.sessionId === state.sessionId) state.messages = stored.messages;
      var known = state.messages.some(function (m) { return m.id === message.id; });
      if (!known) state.messages.push(message);
      saveState(state);
    }

    function setWaiting(on) {
      waiting = on ? waiting + 1 : 0;
      ui.typing.hidden = waiting === 0;
      window.clearTimeout(replyTimer);
      if (waiting) {
        replyTimer = window.setTimeout(function () {
          setWaiting(false);
          ui.notice.textContent = "No reply yet. Please check your connection and try again.";
        }, REPLY_TIMEOUT_MS);
      }
    }

    function requestSession() {
      if (socket && socket.connected) socket.emit("session_request", { session_id: state.sessionId });
      else connect();  // the connect handler asks for the current session
    }

    // A button's payload may be read by the bot as an intent; what a person types never is.
    function send(text, shown, fromButton) {
      var message = { id: newId(), who: "user", text: shown };
      show(message, true);
      remember(message);
      ui.notice.textContent = "";
      setWaiting(true);
      var payload = { message: text, session_id: state.sessionId, button: fromButton };
      if (socket && socket.connected) {
        socket.emit("user_uttered", payload);
      } else {
        outbox.push(payload);
        connect();
      }
    }

    function sendButton(choice) { send(choice.payload, choice.title, true); }

    function listen(io) {
      socket = io(options.socketUrl, { path: "/socket.io" });
      socket.on("connect", function () {
        ui.notice.textContent = "";
        socket.emit("session_request", { session_id: state.sessionId });
        outbox.splice(0).forEach(function (payload) { socket.emit("user_uttered", payload); });
      });
      socket.on("disconnect", function () { ui.notice.textContent = "Connection lost. Reconnecting…"; });
      socket.on("connect_error", function () {
        ui.notice.textContent = "Can't reach " + options.title + " right now. Retrying…";
      });
      socket.on("session_confirm", function (sessionId) {
        if (typeof sessionId !== "string" || sessionId === state.sessionId) return;
        // A first session keeps what was typed before it was confirmed; any other new session starts empty.
        var kept = state.sessionId ? [] : state.messages;
        if (state.sessionId) clearLog();
        state = { sessionId: sessionId, messages: kept };
        saveState(state);
      });
      socket.on("bot_uttered", function (data) {
        var message = fromBotUttered(data);
        if (!message) return;
        show(message, true);
        remember(message);
      });
      socket.on("reply_complete", function () { setWaiting(false); });
    }

    function connect() {
      if (socket || connecting) return;
      connecting = true;
      loadSocketClient(options.base, listen, function () {
        connecting = false;
        ui.notice.textContent = "Can't reach " + options.title + " right now. Please try again later.";
      });
    }

    // Another tab added to the conversation, or started a new one.
    window.addEventListener("storage", function (event) {
      if (event.key !== STORAGE_KEY) return;
      var stored = loadState();
      if (!stored.sessionId) return;
      var otherSession = stored.sessionId !== state.sessionId;
      if (otherSession) clearLog();
      state = stored;
      if (otherSession) requestSession();
      state.messages.forEach(function (message) { show(message, true); });
    });

    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = ui.input.value;
      if (!text.trim()) return;
      ui.input.value = "";
      send(text, text, false);
    });
    ui.restart.addEventListener("click", function () {
      state = { sessionId: null, messages: [] };
      outbox = [];
      saveState(state);
      clearLog();
      setWaiting(false);
      requestSession();
      ui.input.focus();
    });

    state.messages.forEach(function (message) { show(message, false); });
    ui.hint.hidden = state.messages.length > 0;
    return {
      connect: connect,
      hasConversation: function () { return state.sessionId !== null; },
      revealLatest: function () { reveal(ui.log.lastElementChild); }
    };
  }

  // Our element with its own shadow root, shown once its stylesheet has loaded (no flash of bare buttons).
  function attachHost(parent, mode, base, content, ready) {
    var host = document.createElement("ecfmg-guide");
    host.setAttribute("data-mode", mode);
    var shadow = host.attachShadow({ mode: "open" });  // open, so accessibility checkers can audit it
    var css = el("link");
    css.rel = "stylesheet";
    css.href = base + "/static/widget.css";
    function attach() {
      shadow.appendChild(content);
      ready();
    }
    css.addEventListener("load", attach);
    css.addEventListener("error", attach);
    shadow.appendChild(css);
    parent.appendChild(host);
  }

  function mountContainer(container, options) {
    var ui = buildShell(options.title, false);
    ui.root.appendChild(ui.announcer);
    var chat = startChat(ui, options, function () {});
    attachHost(container, "container", options.base, ui.root, chat.revealLatest);
    chat.connect();
  }

  function launcherButton(title, panelId) {
    var launcher = button("eg-launcher");
    launcher.setAttribute("aria-controls", panelId);
    launcher.appendChild(icon(CHAT_ICON, "eg-icon-chat"));
    launcher.appendChild(icon(CLOSE_ICON, "eg-icon-close"));
    launcher.appendChild(el("span", "eg-visually-hidden", "Chat with " + title));
    var badge = el("span", "eg-badge");
    var count = el("span", null);
    count.setAttribute("aria-hidden", "true");
    var spoken = el("span", "eg-visually-hidden");
    badge.appendChild(count);
    badge.appendChild(spoken);
    launcher.appendChild(badge);
    return { button: launcher, badge: badge, count: count, spoken: spoken };
  }

  // Tab and Shift+Tab go round the full-screen panel: the page behind it is covered, so focus stays in view.
  function keepFocusInside(event, panel) {
    var stops = Array.prototype.filter.call(panel.querySelectorAll(FOCUSABLE), function (node) {
      return node.getClientRects().length > 0;
    });
    var active = panel.getRootNode().activeElement;
    var first = stops[0];
    var last = stops[stops.length - 1];
    if (event.shiftKey && active === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  function mountLauncher(options) {
    var ui = buildShell(options.title, true);
    var panel = ui.root;
    panel.id = "eg-panel";
    panel.classList.add("eg-panel");
    panel.setAttribute("role", "dialog");
    var root = el("section", "eg-launcher-root eg-launcher-root--" + options.position);
    root.setAttribute("aria-label", options.title + " chat");
    var launcher = launcherButton(options.title, panel.id);
    root.appendChild(launcher.button);
    root.appendChild(panel);
    root.appendChild(ui.announcer);  // outside the panel, so a reply is announced while the panel is closed too

    var saved = readStored(LAUNCHER_KEY) || {};
    var view = { open: saved.open === true, unread: saved.unread > 0 ? Math.floor(saved.unread) : 0 };
    var narrow = window.matchMedia(NARROW_SCREEN);

    function render() {
      panel.hidden = !view.open;
      root.classList.toggle("eg-launcher-root--open", view.open);
      launcher.button.setAttribute("aria-expanded", String(view.open));
      launcher.badge.hidden = view.unread === 0;
      launcher.count.textContent = view.unread > 9 ? "9+" : String(view.unread);
      launcher.spoken.textContent = view.unread === 1 ? ", 1 new reply" : ", " + view.unread + " new replies";
      panel.setAttribute("aria-modal", String(view.open && narrow.matches));
    }

    var chat = startChat(ui, options, function () {
      if (view.open) return;
      view.unread += 1;
      writeStored(LAUNCHER_KEY, view);
      render();
    });

    function setOpen(open, focusTarget) {
      view = { open: open, unread: open ? 0 : view.unread };
      writeStored(LAUNCHER_KEY, view);
      render();
      if (open) {
        chat.connect();
        chat.revealLatest();
      }
      focusTarget.focus();
    }

    launcher.button.addEventListener("click", function () {
      setOpen(!view.open, view.open ? launcher.button : ui.input);
    });
    ui.close.addEventListener("click", function () { setOpen(false, launcher.button); });
    root.addEventListener("keydown", function (event) {
      if (!view.open) return;
      if (event.key === "Escape") setOpen(false, launcher.button);
      if (event.key === "Tab" && narrow.matches && panel.contains(event.target)) keepFocusInside(event, panel);
    });
    narrow.addEventListener("change", render);

    render();
    attachHost(document.body, "launcher", options.base, root, chat.revealLatest);
    if (view.open || chat.hasConversation()) chat.connect();  // a reply may arrive while it is closed
  }

  function readOptions(script) {
    var src = new URL(script.src, document.baseURI);
    var container = script.getAttribute("data-container");
    var position = script.getAttribute("data-position") || POSITIONS[0];
    if (POSITIONS.indexOf(position) < 0) {
      window.console.warn("ECFMG Guide widget: data-position must be one of " + POSITIONS.join(", ") +
        " (got " + position + "); using " + POSITIONS[0] + ".");
      position = POSITIONS[0];
    }
    return {
      mode: script.getAttribute("data-mode") || (container ? "container" : "launcher"),
      container: container || "#ecfmg-guide-chat",
      position: position,
      base: src.href.replace(/\/static\/widget\.js(?:[?#].*)?$/, ""),
      socketUrl: script.getAttribute("data-socket-url") || src.origin,
      title: script.getAttribute("data-title") || "ECFMG Guide"
    };
  }

  function start(script) {
    var options = readOptions(script);
    if (options.mode === "launcher") {
      mountLauncher(options);
      return;
    }
    if (options.mode !== "container") {
      window.console.error("ECFMG Guide widget: data-mode must be launcher or container (got " + options.mode + ").");
      return;
    }
    var container = document.querySelector(options.container);
    if (!container) {
      window.console.error("ECFMG Guide widget: no element matches data-container=" + options.container);
      return;
    }
    mountContainer(container, options);
  }

  window.EcfmgGuide = { renderMessage: renderMessage, fromBotUttered: fromBotUttered };
  var current = document.currentScript;
  if (current) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { start(current); });
    } else {
      start(current);
    }
  }
})();
