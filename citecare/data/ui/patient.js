// CiteCare patient page script (loaded in <head>; no network access but this server's /healthz).
// - every new reply scrolls into view; an emergency reply is pinned in view and takes the focus
// - a tapped [n] marker opens its source card and scrolls the highlighted sentence into view
// - "Copy answer" copies the answer with its sources; printing opens every source card first
// - /healthz drives the "starting…" box (ready: false) and the "cannot reach the server" box
// - each message gets a short accessible name instead of Gradio's raw-HTML one
(() => {
  "use strict";
  const config = window.CITECARE || {};
  const lang = (navigator.language || "en").slice(0, 2).toLowerCase();
  const text = (config.text && (config.text[lang] || config.text.en)) || {};
  const seen = new WeakSet();
  let armed = false; // set by the patient's own action, so a restored conversation never jumps or steals focus

  const chat = () => document.querySelector("#cc-chat");

  function scrollParent(el) {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (/(auto|scroll)/.test(style.overflowY) && p.scrollHeight > p.clientHeight + 1) return p;
    }
    return null;
  }

  // Put the element's top at the top of the chat box, and the chat box's part holding it on screen.
  function bringIntoView(el, focus) {
    const box = scrollParent(el);
    if (box) {
      box.scrollTop += el.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
    }
    const top = el.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.5) {
      window.scrollBy({ top: top - 8, left: 0, behavior: "instant" });
    }
    if (focus) {
      el.tabIndex = -1;
      el.focus({ preventScroll: true });
    }
  }

  function pinEmergency(alertBox) {
    bringIntoView(alertBox, true);
    // Gradio may re-render or resize the log right after (follow-ups, fonts): keep it pinned meanwhile.
    for (const delay of [150, 500, 1200]) {
      setTimeout(() => {
        if (!alertBox.isConnected) return;
        const r = alertBox.getBoundingClientRect();
        const box = scrollParent(alertBox);
        const boxTop = box ? box.getBoundingClientRect().top : 0;
        if (r.top < Math.max(0, boxTop) - 1 || r.top > window.innerHeight * 0.5) bringIntoView(alertBox, false);
        if (document.activeElement !== alertBox) alertBox.focus({ preventScroll: true });
      }, delay);
    }
  }

  function nameMessages(root) {
    // The sanitizer drops aria-* from answers: the marker's visible "[1]" is hidden from screen readers here,
    // which read its "Source 1" label instead.
    root.querySelectorAll(".cc-ref-shown:not([aria-hidden])").forEach((el) => el.setAttribute("aria-hidden", "true"));
    root.querySelectorAll('[data-testid="bot"], [data-testid="user"]').forEach((el) => {
      const name = el.dataset.testid === "bot" ? text.answer_heading : text.your_question;
      if (name && el.getAttribute("aria-label") !== name) {
        el.setAttribute("role", "group");
        el.setAttribute("aria-label", name);
      }
    });
  }

  function onChatChange() {
    const root = chat();
    if (!root) return;
    nameMessages(root);
    const users = root.querySelectorAll('[data-testid="user"]');
    const finals = root.querySelectorAll(".cc-final");
    if (!armed) {
      users.forEach((el) => seen.add(el));
      finals.forEach((el) => seen.add(el));
      return;
    }
    users.forEach((el) => {
      if (!seen.has(el)) {
        seen.add(el);
        bringIntoView(el, false);
      }
    });
    finals.forEach((el) => {
      if (seen.has(el)) return;
      seen.add(el);
      const alertBox = el.querySelector(".cc-emergency");
      if (alertBox) pinEmergency(alertBox);
      else bringIntoView(el, false);
      poll(); // a reply that failed may mean the server went away
    });
  }

  function openSource(ref) {
    const n = (ref.className.match(/\bcc-ref-(\d+)\b/) || [])[1];
    const msg = ref.closest(".cc-msg");
    if (!n || !msg) return;
    const mark = msg.querySelector("mark.cc-q-" + n);
    const card = mark ? mark.closest("details") : null;
    if (!card) return;
    card.open = true;
    msg.querySelectorAll("mark.cc-target").forEach((m) => m.classList.remove("cc-target"));
    mark.classList.add("cc-target");
    mark.tabIndex = -1;
    requestAnimationFrame(() => {
      mark.scrollIntoView({ block: "center", behavior: "instant" });
      mark.focus({ preventScroll: true });
    });
  }

  function answerAsText(msg) {
    const body = msg.querySelector(".cc-answer-text");
    const clone = body ? body.cloneNode(true) : document.createElement("div");
    clone.querySelectorAll("button.cc-ref").forEach((b) => {
      const shown = b.querySelector(".cc-ref-shown");
      b.replaceWith(document.createTextNode(shown ? shown.textContent : b.textContent));
    });
    const paragraphs = Array.from(clone.querySelectorAll("p")).map((p) => p.textContent.trim());
    const lines = [paragraphs.length ? paragraphs.join("\n\n") : clone.textContent.trim()];
    const cards = msg.querySelectorAll("details.cc-source");
    if (cards.length) {
      lines.push("", (text.sources || "Sources") + ":");
      cards.forEach((card) => {
        const part = (sel) => (card.querySelector(sel) || { textContent: "" }).textContent.trim();
        const link = card.querySelector("a.cc-src-link");
        lines.push(`${part(".cc-src-n")} ${part(".cc-src-title")} — ${part(".cc-src-meta").replace(/^—\s*/, "")}`
          + (link ? ` ${link.href}` : ""));
      });
    }
    const disclaimer = msg.querySelector(".cc-disclaimer");
    if (disclaimer) lines.push("", disclaimer.textContent.trim());
    return lines.join("\n");
  }

  async function copyAnswer(button) {
    const msg = button.closest(".cc-msg");
    if (!msg) return;
    const value = answerAsText(msg);
    try {
      await navigator.clipboard.writeText(value);
    } catch (err) { // not a secure context (plain http on a network address): the old way
      const area = document.createElement("textarea");
      area.value = value;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    const label = button.textContent;
    button.textContent = text.copied || "Copied";
    setTimeout(() => { button.textContent = label; }, 2000);
  }

  document.addEventListener("click", (ev) => {
    const target = ev.target instanceof Element ? ev.target : null;
    if (!target) return;
    const ref = target.closest("button.cc-ref");
    if (ref) {
      ev.preventDefault();
      openSource(ref);
      return;
    }
    const copy = target.closest("button.cc-copy");
    if (copy) {
      ev.preventDefault();
      copyAnswer(copy);
      return;
    }
    if (target.closest("#cc-ask, #cc-chat button")) {
      armed = true;
      if (target.closest("#cc-ask")) poll(); // is the server there to answer?
    }
  }, true);
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && ev.target instanceof Element && ev.target.closest("#cc-question")) {
      armed = true;
      poll(); // is the server there to answer?
    }
  }, true);

  // Print the whole conversation with its sources: open every card first, close them again after.
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("#cc-chat details.cc-source:not([open])").forEach((d) => {
      d.open = true;
      d.classList.add("cc-opened-for-print");
    });
  });
  window.addEventListener("afterprint", () => {
    document.querySelectorAll("details.cc-opened-for-print").forEach((d) => {
      d.open = false;
      d.classList.remove("cc-opened-for-print");
    });
  });

  // --- server state: "starting…" and "cannot reach the server" -------------------------------------------
  let timer = null;
  let sawStarting = false;

  // The first screen (what the library covers, example questions) comes from the engine, which was still
  // starting when this page loaded: load the page again once it is ready, unless the patient has begun.
  function refreshFirstScreen() {
    const box = document.querySelector("#cc-question textarea");
    const begun = document.querySelector("#cc-chat .cc-final, #cc-chat [data-testid='user']");
    if (!begun && !(box && box.value.trim())) location.reload();
  }
  function show(id, on) {
    const el = document.getElementById(id);
    if (el) el.hidden = !on;
    document.body.classList.toggle(id + "-on", on);
  }
  async function poll() {
    clearTimeout(timer);
    let wait = 15000;
    try {
      const response = await fetch(new URL("healthz", new URL(".", location.href)), { cache: "no-store" });
      const health = await response.json().catch(() => ({}));
      show("cc-offline", false);
      const starting = health.ready === false;
      show("cc-starting", starting);
      if (starting) {
        wait = 1000;
        sawStarting = true;
      } else if (sawStarting) {
        sawStarting = false;
        refreshFirstScreen();
      }
    } catch (err) {
      show("cc-offline", true);
      wait = 3000;
    }
    timer = setTimeout(poll, wait);
  }
  window.citecarePoll = poll;
  window.addEventListener("offline", () => show("cc-offline", true));
  window.addEventListener("online", poll);

  window.citecareStartOver = () => {
    armed = false;
    window.scrollTo({ top: 0, behavior: "instant" });
  };

  function start() {
    new MutationObserver(onChatChange).observe(document.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["aria-label"],
    });
    onChatChange();
    poll();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
