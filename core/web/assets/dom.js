// Builds DOM nodes without innerHTML, so text from the daemon is never parsed as HTML.

// h('button', {class: 'x', onclick: fn, 'aria-label': 'y'}, 'text', child, ...)
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      node.className = value;
    } else if (name === 'text') {
      node.textContent = value;
    } else if (value === true) {
      node.setAttribute(name, '');
    } else {
      node.setAttribute(name, String(value));
    }
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

// A message line: role=alert for errors (announced at once), role=status otherwise.
export function message(text, kind = 'info') {
  return h('p', { class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

// "1 entry", "3 entries": a count with its noun in the right number (the
// daemon's counted(), for the page's own texts).
export function counted(count, noun, plural = `${noun}s`) {
  return `${count} ${count === 1 ? noun : plural}`;
}

// "3 minutes ago" / "in 20 seconds" for a millisecond epoch or an ISO date.
export function relativeTime(value) {
  if (value === undefined || value === null || value === 0 || value === '') return '—';
  const when = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(when)) return String(value);
  const seconds = Math.round((when - Date.now()) / 1000);
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, 'second');
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86400), 'day');
}

export function absoluteTime(value) {
  if (!value) return '';
  const when = typeof value === 'number' ? new Date(value) : new Date(value);
  return Number.isNaN(when.getTime()) ? String(value) : when.toLocaleString();
}

// A <time> showing "2 minutes ago" with the exact time as its title.
export function timeNode(value) {
  const node = h('time', { title: absoluteTime(value) }, relativeTime(value));
  if (value) {
    const date = new Date(typeof value === 'number' ? value : Date.parse(value));
    if (!Number.isNaN(date.getTime())) node.dateTime = date.toISOString();
  }
  return node;
}

// A path as <code class="path">, breakable after each "/" and nowhere inside a
// name (a narrow column wraps between folders, not mid-word).
export function pathNode(path) {
  const node = h('code', { class: 'path' });
  const parts = String(path).split('/');
  parts.forEach((part, i) => {
    if (i > 0) node.append('/', document.createElement('wbr'));
    if (part) node.append(part);
  });
  return node;
}

// A table whose rows stack as labelled blocks on a narrow screen (each cell
// carries its column's name for that).
export function table(caption, headers, rows, empty) {
  if (rows.length === 0) return h('p', { class: 'muted empty' }, empty);
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table-stack' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, headers.map((text) => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, rows.map((cells) => h('tr', {},
      cells.map((cell, i) => h('td', { 'data-label': headers[i] || '' }, cell)))))));
}
