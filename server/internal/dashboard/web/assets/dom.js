// Building and updating the page. Every node is made with createElement
// and text with text nodes: nothing is ever parsed as HTML, and the page's
// Content-Security-Policy (Trusted Types) refuses innerHTML anyway.

// el makes an element: attributes (on* names add listeners; true is an
// empty attribute; null, undefined and false are left out), then children
// (strings become text; null, undefined and false are skipped).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

export const $ = (id) => document.getElementById(id);

// say shows text in a message element (a status or an alert); empty text
// hides it.
export function say(node, text) {
  node.textContent = text || '';
  node.hidden = !text;
}

// A text only screen readers read: a label that the layout makes obvious.
export const hiddenLabel = (text) => el('span', { class: 'vh' }, text);

// confirmAction asks in the page's modal dialog; resolves true on Confirm.
// Escape and Cancel say no. Focus goes back where it was.
export function confirmAction(text, okLabel = 'Confirm') {
  const dialog = $('confirm');
  const ok = $('confirm-ok');
  const cancel = $('confirm-cancel');
  $('confirm-text').textContent = text;
  ok.textContent = okLabel;
  const before = document.activeElement;
  return new Promise((resolve) => {
    const done = (answer) => {
      ok.removeEventListener('click', yes);
      cancel.removeEventListener('click', no);
      dialog.removeEventListener('close', no);
      if (dialog.open) dialog.close();
      if (before instanceof HTMLElement) before.focus();
      resolve(answer);
    };
    const yes = () => done(true);
    const no = () => done(false);
    ok.addEventListener('click', yes);
    cancel.addEventListener('click', no);
    dialog.addEventListener('close', no);
    dialog.showModal();
    cancel.focus();
  });
}

// clock writes a time of day to the millisecond, 24-hour, in local time.
export function clock(date) {
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

// FieldError is a value the user typed that cannot be sent; it names the
// field, which gets the focus.
export class FieldError extends Error {
  constructor(input, message) {
    super(message);
    this.input = input;
  }
}

// intField reads a whole number from a form field: undefined when empty.
export function intField(form, name, label) {
  const input = form.elements.namedItem(name);
  const text = input.value.trim();
  if (text === '') return undefined;
  if (!/^-?\d+$/.test(text)) throw new FieldError(input, `${label}: enter a whole number, or leave it empty.`);
  return Number(text);
}

// textField reads a trimmed text field: undefined when empty.
export function textField(form, name) {
  const text = form.elements.namedItem(name).value.trim();
  return text === '' ? undefined : text;
}
