// Small DOM and formatting helpers. Everything that comes from the server or the SDK reaches
// the page as text nodes (`textContent`, `append(string)`), never as HTML.

/** `h('button', {class: 'x', onclick: fn, dataset: {a: '1'}}, 'text', child)` */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key === 'class') {
      el.className = value;
    } else if (key === 'text') {
      el.textContent = String(value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      el.append(child instanceof Node ? child : String(child));
    }
  }
  return el;
}

/** The element with this id; a missing one is a bug in the page, so say which. */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) {
    throw new Error('the page has no #' + id);
  }
  return el;
}

/** Sets a status line's text and tone (`ok`, `error`, `busy` or none). */
export function setStatus(el, text, tone) {
  el.textContent = text || '';
  if (tone) {
    el.dataset.tone = tone;
  } else {
    delete el.dataset.tone;
  }
}

/** `8002@test.cc` → `8002`; anything else as text. */
export function shortDevice(id) {
  if (typeof id !== 'string') {
    return id === undefined || id === null ? '' : String(id);
  }
  const at = id.indexOf('@');
  return at > 0 ? id.slice(0, at) : id;
}

/** Milliseconds as `m:ss`, or `h:mm:ss` from an hour on. */
export function duration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0
    ? hours + ':' + String(minutes).padStart(2, '0') + ':' + seconds
    : minutes + ':' + seconds;
}

/** `HH:MM:SS.mmm` of a Date, local time. */
export function clockTime(date) {
  const two = (n) => String(n).padStart(2, '0');
  return two(date.getHours()) + ':' + two(date.getMinutes()) + ':' + two(date.getSeconds()) +
    '.' + String(date.getMilliseconds()).padStart(3, '0');
}

/** Offers `text` as a file download called `name`. */
export function downloadText(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = h('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Shows a short notice in the corner; `tone` is `info`, `ok` or `error`. */
export function toast(text, tone) {
  const box = byId('toasts');
  const note = h('div', { class: 'toast', dataset: { tone: tone || 'info' } }, text);
  box.append(note);
  setTimeout(() => note.remove(), tone === 'error' ? 8000 : 4000);
}
