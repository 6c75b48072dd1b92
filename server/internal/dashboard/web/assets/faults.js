// The faults view: the list (GET /_stub/faults, refreshed every second
// while shown, for the count of requests each was applied to), a form that
// adds one (PUT /_stub/faults, the same JSON a script sends), and Remove
// buttons (DELETE /_stub/faults/{id}, DELETE /_stub/faults).
import * as api from './api.js';
import { $, el, say, clock, confirmAction, FieldError, intField, textField } from './dom.js';
import { Poller } from './poll.js';

const INTERVAL_MS = 1000;

export class Faults {
  constructor() {
    this.rows = new Map(); // id -> { json, tr }
    this.poller = new Poller(() => this.refresh(), INTERVAL_MS);
    this.form = $('fault-form');
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.add();
    });
    this.form.elements.namedItem('action').addEventListener('change', () => this.showActionFields());
    this.showActionFields();
    $('faults-clear').addEventListener('click', () => this.clear());
  }

  show() {
    this.poller.start();
  }

  hide() {
    this.poller.stop();
  }

  // showActionFields shows the error's fields only for an error answer.
  showActionFields() {
    const action = this.form.elements.namedItem('action').value;
    for (const field of this.form.querySelectorAll('[data-for-action]')) {
      field.hidden = field.dataset.forAction !== action;
    }
  }

  async refresh() {
    let list;
    try {
      list = await api.adminJSON('/_stub/faults');
    } catch (err) {
      say($('faults-error'), api.describe(err));
      return;
    }
    say($('faults-error'), '');
    this.render(list.faults);
  }

  // render redraws only the rows that changed, so a focused Remove button
  // keeps its focus while the counts go up.
  render(faults) {
    const body = $('faults-list');
    const ids = new Set(faults.map((f) => f.id));
    for (const [id, row] of this.rows) {
      if (!ids.has(id)) {
        row.tr.remove();
        this.rows.delete(id);
      }
    }
    let previous = null;
    for (const f of faults) {
      const json = JSON.stringify(f);
      let row = this.rows.get(f.id);
      if (!row || row.json !== json) {
        const tr = this.row(f);
        if (row) row.tr.replaceWith(tr);
        row = { json, tr };
        this.rows.set(f.id, row);
      }
      // Keep the list's order (a replaced fault keeps its place).
      if (previous ? previous.nextSibling !== row.tr : body.firstChild !== row.tr) {
        if (previous) previous.after(row.tr);
        else body.prepend(row.tr);
      }
      previous = row.tr;
    }
    $('faults-table').hidden = faults.length === 0;
    $('faults-empty').hidden = faults.length !== 0;
    $('faults-status').textContent = `${faults.length} ${faults.length === 1 ? 'fault' : 'faults'}; updated ${clock(new Date())}.`;
  }

  row(f) {
    const spent = f.times !== undefined && f.applied >= f.times;
    return el('tr', { 'data-fault': f.id, class: spent ? 'spent' : null },
      el('th', { scope: 'row' }, el('code', {}, f.id)),
      el('td', {}, target(f)),
      el('td', {}, action(f)),
      el('td', { class: 'applied' }, `${f.applied}${f.times !== undefined ? ` of ${f.times}` : ''}${spent ? ' (spent)' : ''}`),
      el('td', {}, el('button', { type: 'button', class: 'danger', 'aria-label': `Remove fault ${f.id}`, onclick: () => this.remove(f.id) }, 'Remove')));
  }

  async remove(id) {
    try {
      await api.admin(`/_stub/faults/${encodeURIComponent(id)}`, { method: 'DELETE' });
      $('faults-status').textContent = `Removed fault ${id}.`;
    } catch (err) {
      say($('faults-error'), api.describe(err));
    }
    this.poller.now();
  }

  async clear() {
    if (!(await confirmAction('Remove every fault? The Twilio API then answers normally.', 'Remove every fault'))) return;
    try {
      await api.admin('/_stub/faults', { method: 'DELETE' });
    } catch (err) {
      say($('faults-error'), api.describe(err));
    }
    this.poller.now();
  }

  async add() {
    const error = $('fault-form-error');
    let rule;
    try {
      rule = ruleOf(this.form);
    } catch (err) {
      if (!(err instanceof FieldError)) throw err;
      say(error, err.message);
      err.input.focus();
      return;
    }
    try {
      const fault = await api.adminJSON('/_stub/faults', {
        method: 'PUT', body: JSON.stringify(rule), headers: { 'Content-Type': 'application/json' },
      });
      say(error, '');
      $('fault-form-status').textContent = `Added fault ${fault.id} at ${clock(new Date())}: ${action(fault)}, on ${target(fault)}.`;
    } catch (err) {
      say(error, err.status === 400 ? `Not added: ${err.message}` : api.describe(err));
      return;
    }
    this.poller.now();
  }
}

// ruleOf reads the form into a FaultRule of api/admin.yaml; empty fields are
// left out, for the stub's defaults.
function ruleOf(form) {
  const rule = {};
  for (const name of ['id', 'account', 'operation', 'service', 'user', 'conversation']) {
    const value = textField(form, name);
    if (value !== undefined) rule[name] = value;
  }
  const scope = form.elements.namedItem('scope').value;
  if (scope !== 'any') rule.scope = scope;

  const min = intField(form, 'delay_min', 'Delay');
  const max = intField(form, 'delay_max', 'Delay up to');
  if (max !== undefined && min === undefined) {
    throw new FieldError(form.elements.namedItem('delay_min'), 'Delay: give the shortest delay too (0 for none).');
  }
  if (min !== undefined) rule.delay = max === undefined ? { min_ms: min } : { min_ms: min, max_ms: max };

  switch (form.elements.namedItem('action').value) {
    case 'error': {
      const status = intField(form, 'status', 'Status');
      if (status === undefined) throw new FieldError(form.elements.namedItem('status'), 'Status: an error answer needs an HTTP status, 400 to 599.');
      rule.error = { status };
      const code = intField(form, 'code', 'Twilio code');
      if (code !== undefined) rule.error.code = code;
      const message = textField(form, 'message');
      if (message !== undefined) rule.error.message = message;
      const retryAfter = intField(form, 'retry_after', 'Retry-After');
      if (retryAfter !== undefined) rule.error.retry_after = retryAfter;
      break;
    }
    case 'malformed':
    case 'truncated':
      rule.body = form.elements.namedItem('action').value;
      break;
    case 'drop':
      rule.drop = true;
      break;
    case 'reset':
      rule.reset = true;
      break;
    case 'delay':
      if (!rule.delay) throw new FieldError(form.elements.namedItem('delay_min'), 'Delay: a delay-only fault needs a delay, in milliseconds.');
      break;
  }

  const times = intField(form, 'times', 'Times');
  if (times !== undefined) rule.times = times;
  const probability = textField(form, 'probability');
  if (probability !== undefined) {
    const p = Number(probability);
    if (Number.isNaN(p)) throw new FieldError(form.elements.namedItem('probability'), 'Probability: enter a number from 0 to 1, or leave it empty for 1.');
    rule.probability = p;
  }
  return rule;
}

// target says which requests a fault selects.
function target(f) {
  const parts = [];
  if (f.operation) parts.push(f.operation);
  if (f.scope && f.scope !== 'any') parts.push(`${f.scope} scope`);
  if (f.account) parts.push(`account ${f.account}`);
  if (f.service) parts.push(`service ${f.service}`);
  if (f.user) parts.push(`user ${f.user}`);
  if (f.conversation) parts.push(`conversation ${f.conversation}`);
  return parts.length ? parts.join(', ') : 'every request';
}

// action says what a fault does.
function action(f) {
  const parts = [];
  if (f.delay) parts.push(f.delay.max_ms !== undefined ? `wait ${f.delay.min_ms} to ${f.delay.max_ms} ms` : `wait ${f.delay.min_ms} ms`);
  if (f.error) {
    let text = `answer ${f.error.status}`;
    if (f.error.code) text += ` (code ${f.error.code})`;
    if (f.error.message) text += ` "${f.error.message}"`;
    if (f.error.retry_after !== undefined) text += `, Retry-After ${f.error.retry_after}`;
    parts.push(text);
  }
  if (f.body) parts.push(f.body === 'malformed' ? 'answer a body that is not JSON' : 'cut the answer in half');
  if (f.drop) parts.push('drop the connection');
  if (f.reset) parts.push('reset the connection');
  let text = parts.join(', then ') || 'nothing';
  if (f.probability !== undefined && f.probability < 1) text += `, with probability ${f.probability}`;
  return text;
}
