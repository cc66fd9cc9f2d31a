/*
 * ECFMG Guide website widget. Embed with
 *   <div id="ecfmg-guide-chat"></div>
 *   <script src="https://BOT/chat/static/widget.js" data-container="#ecfmg-guide-chat" defer></script>
 * Optional: data-socket-url (default: where this script came from), data-title.
 *
 * Talks to the bot's socket.io channel (bot/channels/webchat.py): session_request/session_confirm,
 * user_uttered ({message, session_id, button}), bot_uttered, reply_complete. Message text only ever reaches the page through
 * textContent and validated link addresses, so markup in bot or user text shows as text.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "ecfmg-guide.chat";
  var MAX_STORED_MESSAGES = 200;
  var REPLY_TIMEOUT_MS = 60000;
  var LINK = /\[([^\[\]]+)\]\(([^()\s]+)\)/g;
  var LIST_ITEM = /^(?:([-*])|(\d+)[.)])\s+(.*)$/;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
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
      group.setAttribute("aria-label", "Suggested questions");
      message.buttons.forEach(function (button) {
        var b = el("button", "eg-button", button.title);
        b.type = "button";
        b.addEventListener("click", function () { if (onButton) onButton(button); });
        group.appendChild(b);
      });
      item.appendChild(group);
    }
    return item;
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

  function loadState() {
    try {
      var state = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "null");
      if (state && typeof state.sessionId === "string" && Array.isArray(state.messages)) return state;
    } catch (err) { /* unreadable or blocked storage: start afresh */ }
    return { sessionId: null, messages: [] };
  }

  function saveState(state) {
    state.messages = state.messages.slice(-MAX_STORED_MESSAGES);
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (err) { /* private mode or full: the conversation still works, it just won't survive a reload */ }
  }

  function buildShell(title) {
    var root = el("section", "eg-widget");
    root.setAttribute("aria-label", title + " chat");
    var header = el("header", "eg-header");
    var heading = el("div", "eg-heading");
    heading.appendChild(el("h2", "eg-title", title));
    heading.appendChild(el("p", "eg-subtitle", "Answers on ECFMG Certification, each with its official source"));
    header.appendChild(heading);
    var restart = el("button", "eg-restart", "New chat");
    restart.type = "button";
    header.appendChild(restart);
    root.appendChild(header);

    var hint = el("p", "eg-hint", "Ask about ECFMG Certification in your own words, for example \u201cWhat are the " +
      "steps, in order?\u201d or \u201cHow much is the application fee?\u201d Every answer links to its official source.");
    root.appendChild(hint);

    var log = el("ol", "eg-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-label", "Conversation");
    root.appendChild(log);

    var typing = el("div", "eg-typing");
    typing.hidden = true;
    typing.setAttribute("role", "status");
    var dots = el("span", "eg-dots");
    dots.setAttribute("aria-hidden", "true");
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
    return { root: root, hint: hint, log: log, typing: typing, notice: notice, form: form, input: input, restart: restart };
  }

  function mount(container, options) {
    options = options || {};
    var title = options.title || "ECFMG Guide";
    var ui = buildShell(title);
    var state = loadState();
    var waiting = 0;
    var replyTimer = null;
    var onScreen = {};  // ids of the messages shown, so one arriving twice (this tab and another) shows once

    function scrollToEnd() { ui.log.scrollTop = ui.log.scrollHeight; }

    function clearLog() {
      ui.log.textContent = "";
      ui.hint.hidden = false;
      onScreen = {};
    }

    // A reply taller than the conversation area is shown from its first line, not its last.
    function show(message) {
      if (message.id && onScreen[message.id]) return;
      if (message.id) onScreen[message.id] = true;
      var item = renderMessage(message, sendButton);
      ui.log.appendChild(item);
      ui.hint.hidden = true;
      if (message.who === "bot" && item.offsetHeight > ui.log.clientHeight) {
        ui.log.scrollTop = item.offsetTop - 8;
      } else {
        scrollToEnd();
      }
    }

    // Another tab of the site may share this conversation: start from what it stored, add ours once.
    function remember(message) {
      var stored = loadState();
      if (stored.sessionId === state.sessionId) state.messages = stored.messages;
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

    var socket = window.io(options.socketUrl, { path: "/socket.io" });

    // A button's payload may be read by the bot as an intent; what a person types never is.
    function send(text, shown, fromButton) {
      var message = { id: newId(), who: "user", text: shown };
      show(message);
      remember(message);
      ui.notice.textContent = "";
      setWaiting(true);
      socket.emit("user_uttered", { message: text, session_id: state.sessionId, button: fromButton });
    }

    function sendButton(button) { send(button.payload, button.title, true); }

    socket.on("connect", function () {
      ui.notice.textContent = "";
      socket.emit("session_request", { session_id: state.sessionId });
    });
    socket.on("disconnect", function () { ui.notice.textContent = "Connection lost. Reconnecting…"; });
    socket.on("connect_error", function () { ui.notice.textContent = "Can't reach " + title + " right now. Retrying…"; });
    socket.on("session_confirm", function (sessionId) {
      if (typeof sessionId !== "string" || sessionId === state.sessionId) return;
      state = { sessionId: sessionId, messages: [] };
      clearLog();
      saveState(state);
    });
    socket.on("bot_uttered", function (data) {
      var message = fromBotUttered(data);
      if (!message) return;
      show(message);
      remember(message);
    });
    socket.on("reply_complete", function () { setWaiting(false); });

    // Another tab added to the conversation, or started a new one.
    window.addEventListener("storage", function (event) {
      if (event.key !== STORAGE_KEY) return;
      var stored = loadState();
      if (!stored.sessionId) return;
      if (stored.sessionId !== state.sessionId) {
        clearLog();
        socket.emit("session_request", { session_id: stored.sessionId });
      }
      state = stored;
      state.messages.forEach(show);
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
      saveState(state);
      clearLog();
      setWaiting(false);
      socket.emit("session_request", { session_id: null });
      ui.input.focus();
    });

    // Earlier messages go in before the widget joins the page, so screen readers don't read them out again.
    state.messages.forEach(function (message) {
      if (message.id) onScreen[message.id] = true;
      ui.log.appendChild(renderMessage(message, sendButton));
    });
    ui.hint.hidden = state.messages.length > 0;
    container.appendChild(ui.root);
    scrollToEnd();
    return { socket: socket, input: ui.input };
  }

  function scriptBase(script) {
    var src = new URL(script.src, document.baseURI);
    return { origin: src.origin, base: src.href.replace(/\/static\/widget\.js(?:[?#].*)?$/, "") };
  }

  function addToHead(tag, attrs, ready) {
    var node = document.createElement(tag);
    Object.keys(attrs).forEach(function (k) { node[k] = attrs[k]; });
    if (ready) node.addEventListener("load", ready);
    document.head.appendChild(node);
  }

  function start(script) {
    var where = scriptBase(script);
    var container = document.querySelector(script.getAttribute("data-container") || "#ecfmg-guide-chat");
    if (!container) {
      window.console.error("ECFMG Guide widget: no element matches data-container=" + script.getAttribute("data-container"));
      return;
    }
    var options = { socketUrl: script.getAttribute("data-socket-url") || where.origin, title: script.getAttribute("data-title") };
    addToHead("link", { rel: "stylesheet", href: where.base + "/static/widget.css" });
    if (window.io) {
      mount(container, options);
    } else {
      addToHead("script", { src: where.base + "/vendor/socket.io.min.js" }, function () { mount(container, options); });
    }
  }

  window.EcfmgGuide = { mount: mount, renderMessage: renderMessage, fromBotUttered: fromBotUttered };
  var current = document.currentScript;
  if (current && current.hasAttribute("data-container")) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { start(current); });
    } else {
      start(current);
    }
  }
})();
