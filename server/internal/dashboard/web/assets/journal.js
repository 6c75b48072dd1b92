// The journal view: GET /_stub/requests, newest first, refreshed every
// half second while shown, so that a request shows within a second of its
// answer. Entries never change once recorded, so a refresh only adds the
// new ones on top and drops those gone: an entry left open stays open.
import * as api from './api.js';
import { $, el, say, clock, hiddenLabel } from './dom.js';
import { Poller } from './poll.js';
import { Violations } from './violations.js';

// How many entries the view asks for: the latest ones.
const LIMIT = 200;
const INTERVAL_MS = 500;

export class Journal {
  constructor() {
    this.form = $('journal-filters');
    this.list = $('journal-list');
    this.rows = new Map(); // seq -> <li>
    this.query = null;
    this.violations = new Violations();
    this.poller = new Poller(() => this.refresh(), INTERVAL_MS);
    // A filter applies as it is typed, once the typing pauses: a half-typed
    // SID is no error worth showing.
    this.form.addEventListener('input', () => {
      clearTimeout(this.typing);
      this.typing = setTimeout(() => this.poller.now(), 300);
    });
    this.form.addEventListener('change', () => {
      clearTimeout(this.typing);
      this.poller.now();
    });
    this.form.addEventListener('submit', (e) => e.preventDefault());
    // reset clears the fields after its event: look again once it has.
    this.form.addEventListener('reset', () => setTimeout(() => this.poller.now()));
    $('journal-live').addEventListener('change', (e) => (e.target.checked ? this.poller.start() : this.poller.stop()));
    $('journal-clear').addEventListener('click', () => this.clear());
  }

  show() {
    if ($('journal-live').checked) this.poller.start();
    else this.poller.now();
  }

  hide() {
    this.poller.stop();
  }

  filters() {
    const params = new URLSearchParams();
    for (const name of ['account', 'operation', 'status', 'user', 'conversation']) {
      const value = this.form.elements.namedItem(name).value.trim();
      if (value) params.set(name, value);
    }
    params.set('limit', String(LIMIT));
    return params.toString();
  }

  async refresh() {
    const query = this.filters();
    let journal;
    try {
      journal = await api.adminJSON(`/_stub/requests?${query}`);
    } catch (err) {
      // A filter the admin API refuses is a 400 naming it: say so, and keep
      // showing what was shown.
      say($('journal-error'), err.status === 400 ? `${err.message}. Fix that filter, or clear the filters.` : api.describe(err));
      return;
    }
    say($('journal-error'), '');
    await this.violations.lookUp(journal.requests);
    if (query !== this.query) {
      this.query = query;
      this.rows.clear();
      this.list.replaceChildren();
    }
    this.render(journal.requests, query !== `limit=${LIMIT}`);
  }

  render(requests, filtered) {
    const seen = new Set(requests.map((r) => r.seq));
    for (const [seq, row] of this.rows) {
      if (!seen.has(seq)) {
        row.remove();
        this.rows.delete(seq);
      }
    }
    // Requests come oldest first and are numbered in that order: what is
    // new is newer than anything shown.
    const fresh = [];
    for (const r of requests) {
      if (!this.rows.has(r.seq)) {
        const row = entry(r, this.violations.of(r));
        this.rows.set(r.seq, row);
        fresh.unshift(row);
      }
    }
    this.list.prepend(...fresh);

    const n = requests.length;
    say($('journal-empty'), n > 0 ? '' : filtered
      ? 'No request matches these filters. Clear the filters to see every request.'
      : `No requests yet. Point your code at ${location.origin} (the Twilio API's base URL, with an account's SID and auth token) and its requests show here within a second.`);
    const latest = n === LIMIT ? ` (the latest ${LIMIT})` : '';
    $('journal-status').textContent = `${n} ${n === 1 ? 'request' : 'requests'}${latest}; updated ${clock(new Date())}.`;
  }

  async clear() {
    try {
      await api.admin('/_stub/requests', { method: 'DELETE' });
      this.poller.now();
    } catch (err) {
      say($('journal-error'), api.describe(err));
    }
  }
}

function statusClass(status) {
  if (status === 0) return 'http-status s0';
  return `http-status s${Math.floor(status / 100)}`;
}

// entry renders one journal entry: a summary line that opens onto the
// request, the answer and any contract violations.
function entry(r, violations) {
  const summary = el('summary', {},
    el('span', { class: 'time' }, clock(new Date(r.time))),
    el('span', { class: 'method' }, r.method),
    el('span', { class: 'path' }, r.path),
    el('span', { class: statusClass(r.status) }, hiddenLabel('status '), r.status === 0 ? 'no answer' : String(r.status)),
    r.code ? el('span', { class: 'code' }, hiddenLabel('code '), String(r.code)) : el('span', { class: 'code' }),
    el('span', { class: 'operation' }, r.operation || 'unknown route'),
    el('span', { class: 'duration' }, `${r.duration_ms} ms`),
    el('span', { class: 'badges' },
      r.fault ? el('span', { class: 'badge fault' }, `fault ${r.fault}`) : null,
      violations.length ? el('span', { class: 'badge violation' }, `${violations.length} ${violations.length === 1 ? 'violation' : 'violations'}`) : null),
  );
  const detail = el('div', { class: 'detail' },
    el('section', { 'aria-label': 'Request' },
      el('h3', {}, 'Request'),
      facts([
        ['Method', r.method],
        ['Path', r.path],
        ['Account', r.account || 'none (not authenticated)'],
        ['Operation', r.operation || 'none: not a path and method of the Twilio API'],
        ['Arrived', new Date(r.time).toISOString()],
      ]),
      values('Path parameters', r.path_params, (v) => [v]),
      values('Query', r.query),
      values('Form', r.form),
      r.truncated ? el('p', { class: 'note' }, 'Longer than the journal keeps: what shows is its beginning.') : null,
    ),
    el('section', { 'aria-label': 'Response' },
      el('h3', {}, 'Response'),
      facts([
        ['Status', r.status === 0 ? '0: no answer was sent (dropped, or the client left)' : String(r.status)],
        ['Twilio error code', r.code ? String(r.code) : null],
        ['Message', r.message || null],
        ['Twilio-Request-Id', r.request_id || null],
        ['Took', `${r.duration_ms} ms`],
        ['Fault', r.fault || null],
      ]),
    ),
    violations.length ? el('section', { 'aria-label': 'Contract violations', class: 'violations' },
      el('h3', {}, 'Contract violations'),
      el('table', {},
        el('thead', {}, el('tr', {},
          ['Id', 'Where', 'JSON Pointer', 'Rule', 'Message'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, violations.map((v) => el('tr', {},
          el('td', { 'data-label': 'Id' }, v.id ? el('code', {}, v.id) : '–'),
          el('td', { 'data-label': 'Where', class: 'where' }, v.where || '–'),
          el('td', { 'data-label': 'JSON Pointer' }, v.path ? el('code', { class: 'json-path' }, v.path) : '–'),
          el('td', { 'data-label': 'Rule', class: 'rule' }, v.rule || '–'),
          el('td', { 'data-label': 'Message', class: 'message' }, v.message || '–'),
        )))),
    ) : null,
  );
  return el('li', { class: 'entry', 'data-seq': r.seq, 'data-path': r.path, 'data-status': r.status, 'data-code': r.code || '' },
    el('details', {}, summary, detail));
}

// facts renders label/value pairs, skipping those without a value.
function facts(pairs) {
  return el('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

// values renders parameters by name, each with every value sent; nothing
// when there are none.
function values(title, params, asList = (v) => v) {
  const names = Object.keys(params || {});
  if (names.length === 0) return null;
  return el('div', { class: 'values' },
    el('h4', {}, title),
    el('dl', { class: 'facts' }, names.map((name) => [el('dt', {}, name),
      asList(params[name]).map((v) => el('dd', {}, v === '' ? '(empty)' : v))])));
}
