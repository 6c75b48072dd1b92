// Contract violations of journal entries. In proxy mode the stub marks a
// journal entry with the ids of the violations its request or the
// upstream's answer had (`violations: ["v3", "v4"]`), and lists them at
// GET /_stub/violations: direction, location, the parameter's name or the
// value's JSON Pointer, the rule broken, a message, the value. A stub
// without proxy mode marks no entry: then an entry shows nothing. The log
// keeps only the latest violations, so an id may name one no longer
// listed: it shows bare.
import * as api from './api.js';

// At most this many violations are remembered; the stub keeps 1000.
const KEEP = 2000;

export class Violations {
  constructor() {
    this.known = new Map(); // id -> violation, as GET /_stub/violations gives it
    this.gone = new Set(); // ids asked for and not listed (no longer kept)
  }

  // lookUp fetches the violations the requests name and are not known
  // yet, once: it never fails, a failure leaving the ids bare.
  async lookUp(requests) {
    const wanted = new Set();
    for (const r of requests) {
      for (const v of Array.isArray(r.violations) ? r.violations : []) {
        if (!this.known.has(v) && !this.gone.has(v)) wanted.add(v);
      }
    }
    if (wanted.size === 0) return;
    let list;
    try {
      list = await api.adminJSON('/_stub/violations');
    } catch {
      // A failure may pass: the ids stay bare until the next refresh asks
      // again.
      return;
    }
    if (this.known.size > KEEP) this.known.clear();
    for (const v of (list && Array.isArray(list.violations)) ? list.violations : []) {
      if (v && typeof v.id === 'string') this.known.set(v.id, v);
    }
    for (const id of wanted) if (!this.known.has(id)) this.gone.add(id);
  }

  // of returns the violations of a journal entry, each as
  // { id, where, path, rule, message }; [] when it has none.
  of(entry) {
    const list = entry && entry.violations;
    if (!Array.isArray(list)) return [];
    return list.map((id) => {
      const found = this.known.get(id);
      if (found) return read(found);
      const why = this.gone.has(id) ? 'no longer kept by the stub' : 'not listed yet';
      return { id, where: '', path: '', rule: '', message: `details unknown: ${why}` };
    });
  }
}

// read turns a violation of GET /_stub/violations (api/admin.yaml's
// Violation) into what an entry shows.
function read(v) {
  const text = (name) => {
    if (typeof v[name] === 'string') return v[name];
    if (typeof v[name] === 'number') return String(v[name]);
    return '';
  };
  const location = text('location');
  const name = text('name');
  const where = [text('direction'), location, name].filter(Boolean).join(' ');
  let path = text('pointer'); // api/admin.yaml's Violation: path is the request's, not the problem's
  // The body as a whole has the empty JSON Pointer.
  if (!path && v.pointer === '') path = '(the whole body)';
  let message = text('message');
  if (v.redacted === true) message += `${message ? '; ' : ''}value withheld (personal data)`;
  else if (typeof v.value === 'string' && v.value !== '') message += `${message ? '; ' : ''}value ${v.value}`;
  return { id: text('id'), where, path, rule: text('rule'), message };
}
