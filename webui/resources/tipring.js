// SPDX-License-Identifier: LGPL-2.1-or-later
// tipring web admin: tabs, Undo All Changes, changed-field marks and the Info
// tab's live values (server-sent events). The pages work without it: every tab
// is then shown one below the other.
(function () {
  'use strict';

  const panels = Array.from(document.querySelectorAll('.tab-panel'));
  const links = Array.from(document.querySelectorAll('nav.tabs a[data-tab]'));
  const actions = document.getElementById('actions');
  const form = document.getElementById('config');

  // "#tab-Line_1" (what the links say, so the page works without script) or "#Line_1"
  function hashKey() {
    return decodeURIComponent(location.hash.slice(1)).replace(/^tab-/, '');
  }

  function show(key) {
    if (!panels.some((p) => p.dataset.tab === key)) key = 'Info';
    panels.forEach((p) => { p.hidden = p.dataset.tab !== key; });
    links.forEach((a) => {
      if (a.dataset.tab === key) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    if (actions) actions.hidden = key === 'Info';
    const open = document.getElementById('open-tab');
    if (open) open.value = key;
  }

  // "Changes applied" belongs to the submit, not to a reload
  if (/[?&](saved|imported)=/.test(location.search)) {
    history.replaceState(null, '', location.pathname + location.hash);
  }

  if (panels.length > 0) {
    links.forEach((a) => a.addEventListener('click', (event) => {
      event.preventDefault();
      history.replaceState(null, '', '#' + a.dataset.tab);
      show(a.dataset.tab);
      window.scrollTo(0, 0);
    }));
    // a refused submit opens the tab of its first marked field
    const firstError = document.getElementById('first-error-tab');
    document.querySelectorAll('.field.invalid').forEach((field) => {
      const panel = field.closest('.tab-panel');
      const link = panel && links.find((a) => a.dataset.tab === panel.dataset.tab);
      if (link) link.classList.add('has-error');
    });
    show(firstError ? firstError.dataset.tab : hashKey() || 'Info');
    // a tab's anchor is a place to open, not to scroll to (the browser
    // scrolls to it once the page has loaded)
    window.scrollTo(0, 0);
    window.addEventListener('load', () => window.scrollTo(0, 0), { once: true });
    window.addEventListener('hashchange', () => show(hashKey()));
  }

  if (form) {
    const fields = Array.from(form.querySelectorAll('[data-stored]'));
    const mark = (el) => el.closest('.field').classList.toggle('changed', el.value !== el.dataset.stored);
    fields.forEach((el) => {
      el.addEventListener('input', () => mark(el));
      el.addEventListener('change', () => mark(el));
      mark(el); // a refused submit comes back with what was typed: show it pending
    });
    // Undo All Changes: back to what the device holds, also after a refused submit
    form.addEventListener('reset', (event) => {
      event.preventDefault();
      fields.forEach((el) => {
        el.value = el.dataset.stored;
        el.removeAttribute('aria-invalid');
        const field = el.closest('.field');
        field.classList.remove('changed', 'invalid');
        const reason = field.querySelector('.reason');
        if (reason) reason.remove();
      });
      links.forEach((a) => a.classList.remove('has-error'));
    });
  }

  // a value as the server writes it: a line may break after each "_" of a
  // long token (TLS_AES_256_GCM_SHA384), not inside it
  function setText(el, text) {
    if (el.textContent === text) return;
    el.replaceChildren();
    text.split('_').forEach((part, i) => {
      if (i > 0) el.append('_', document.createElement('wbr'));
      if (part !== '') el.append(part);
    });
  }

  // the Info tab's live values
  function apply(values) {
    Object.keys(values).forEach((key) => {
      document.querySelectorAll('[data-live="' + CSS.escape(key) + '"]').forEach((el) => {
        if (!el.hasAttribute('data-deadline')) setText(el, values[key]);
      });
      document.querySelectorAll('[data-live-show="' + CSS.escape(key) + '"]').forEach((el) => {
        el.hidden = values[key] === '';
      });
    });
    Object.keys(values).filter((k) => k.endsWith('.next-registration-at')).forEach((key) => {
      const target = key.replace(/-at$/, '');
      document.querySelectorAll('[data-live="' + CSS.escape(target) + '"]').forEach((el) => {
        el.dataset.deadline = values[key];
        if (values[key] === '') setText(el, values[target]);
      });
    });
    tick();
  }

  function tick() {
    const now = Date.now() / 1000;
    document.querySelectorAll('[data-deadline]').forEach((el) => {
      const at = parseInt(el.dataset.deadline, 10);
      if (!at) return;
      const left = Math.max(0, Math.round(at - now));
      el.textContent = (el.dataset.unit || '%u s').replace('%u', String(left));
    });
  }

  if (document.querySelector('[data-live]') && window.EventSource) {
    const events = new EventSource('/events');
    events.onmessage = (event) => {
      try { apply(JSON.parse(event.data)); } catch (e) { /* a partial message: wait for the next */ }
      document.body.dataset.live = 'connected';
    };
    events.onerror = () => { document.body.dataset.live = 'reconnecting'; };
    setInterval(tick, 1000);
  }
})();
