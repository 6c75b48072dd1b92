// The world view: the state (GET /_stub/state) as a tree of accounts,
// services and users; each user, opened, lists its conversations through
// the Twilio API with its account's credentials, where a read horizon and
// a notification level are set and a membership removed, as any client of
// Twilio's would. Resets, export and import go through the admin API.
import * as api from './api.js';
import { $, el, say, clock, confirmAction } from './dom.js';
import { UserConversation } from './userconversation.js';

// How many pages of a user's conversations the view follows.
const MAX_PAGES = 20;

export class World {
  constructor() {
    this.accounts = [];
    this.open = new Set(); // keys of the users shown open
    this.generation = 0; // of the last refresh asked for
    $('world-reload').addEventListener('click', () => this.refresh());
    $('world-export').addEventListener('click', () => this.exportState());
    $('world-reset').addEventListener('click', () => this.reset());
    $('world-import').addEventListener('submit', (e) => {
      e.preventDefault();
      this.importFile();
    });
  }

  show() {
    this.refresh();
  }

  hide() {}

  // refresh loads the state and draws it again; the users shown open stay
  // open, their conversations loaded afresh. Only the refresh asked for
  // last draws: one overtaken by another while it loads would draw a tree
  // the next draw replaces, under the user's click (sign-in refreshes in
  // the background, and showing the view right after asks again), or an
  // older state over a newer one.
  // The tree is aria-busy while a refresh loads: assistive technology,
  // and the browser test, wait for the tree that stays.
  async refresh() {
    const mine = ++this.generation;
    const tree = $('world-tree');
    tree.setAttribute('aria-busy', 'true');
    let state;
    try {
      state = await api.adminJSON('/_stub/state');
    } catch (err) {
      if (mine === this.generation) {
        say($('world-error'), api.describe(err));
        tree.removeAttribute('aria-busy');
      }
      return;
    }
    if (mine !== this.generation) return;
    tree.removeAttribute('aria-busy');
    say($('world-error'), '');
    this.accounts = state.accounts || [];
    $('accounts').replaceChildren(...this.accounts.map((a) => el('option', { value: a.sid })));
    $('world-tree').replaceChildren(...(this.accounts.length === 0
      ? [el('p', { class: 'empty' }, 'No accounts: the state is empty. Import a fixtures file above ' +
        '(or PUT /_stub/state), or Reset everything to go back to the fixtures the stub started with.')]
      : this.accounts.map((a) => this.account(a))));
    const n = this.accounts.length;
    $('world-status').textContent = `${n} ${n === 1 ? 'account' : 'accounts'}; loaded ${clock(new Date())}.`;
  }

  account(a) {
    const id = `account-${a.sid}`;
    return el('section', { class: 'account', 'aria-labelledby': id },
      el('div', { class: 'heading-row' },
        el('h3', { id }, 'Account ', el('code', {}, a.sid)),
        el('button', { type: 'button', onclick: () => this.reset(a) }, 'Reset this account')),
      (a.services || []).map((s, i) => this.service(a, s, i === 0)));
  }

  service(account, s, isDefault) {
    const users = s.users || [];
    const conversations = s.conversations || [];
    const id = `service-${s.sid}`;
    return el('section', { class: 'service', 'aria-labelledby': id },
      el('h4', { id }, 'Service ', el('code', {}, s.sid), isDefault ? ' (default: /v1/Users/…)' : ''),
      el('p', { class: 'hint' }, `${users.length} ${users.length === 1 ? 'user' : 'users'}, ${conversations.length} ${conversations.length === 1 ? 'conversation' : 'conversations'}.`),
      users.length === 0
        ? el('p', { class: 'empty' }, 'No users in this service.')
        : el('ul', { class: 'users' }, users.map((u) => this.user(account, s, u, conversations))));
  }

  user(account, service, u, conversations) {
    const key = `${service.sid}/${u.sid}`;
    const memberOf = conversations.filter((c) => (c.participants || []).some((p) => p.user === u.identity || p.user === u.sid)).length;
    const inConversations = (n) => ` in ${n} ${n === 1 ? 'conversation' : 'conversations'}`;
    const count = el('span', { class: 'count' }, inConversations(memberOf));
    const summary = el('summary', {}, el('strong', {}, u.identity), ' ', el('code', { class: 'sid' }, u.sid), count);
    const list = el('ul', { class: 'ucs', 'aria-label': `Conversations of ${u.identity}` });
    const status = el('p', { class: 'status', role: 'status' });
    const details = el('details', { class: 'user', 'data-identity': u.identity, 'data-sid': u.sid }, summary, status, list);
    // A removed membership: the count follows, and the focus goes back to
    // the user, the Remove button being gone.
    const removed = () => {
      count.textContent = inConversations(list.children.length);
      status.textContent = list.children.length === 0 ? `${u.identity} takes part in no conversation now.` : '';
      summary.focus();
    };
    const load = () => this.loadUser(account, service, u, list, status, removed);
    details.addEventListener('toggle', () => {
      if (details.open) {
        this.open.add(key);
        load();
      } else {
        this.open.delete(key);
      }
    });
    if (this.open.has(key)) details.open = true; // its toggle event loads it
    return el('li', {}, details);
  }

  // loadUser lists the user's conversations with the Twilio API, page by
  // page, in the service's own path (the default service has one too).
  async loadUser(account, service, u, list, status, removed) {
    status.textContent = 'Loading…';
    let path = `/v1/Services/${encodeURIComponent(service.sid)}/Users/${encodeURIComponent(u.sid)}/Conversations?PageSize=100`;
    const found = [];
    try {
      for (let page = 0; path && page < MAX_PAGES; page++) {
        const body = await (await api.twilio(account, path)).json();
        found.push(...(body.conversations || []));
        // next_page_url is absolute, on the stub's public URL: follow its
        // path and query here, on the origin the page came from.
        const next = body.meta && body.meta.next_page_url;
        path = next ? (({ pathname, search }) => pathname + search)(new URL(next)) : null;
      }
    } catch (err) {
      status.textContent = api.describe(err);
      return;
    }
    list.replaceChildren(...found.map((uc) => new UserConversation(account, u, uc, removed).node));
    status.textContent = found.length === 0
      ? `${u.identity} takes part in no conversation.`
      : `${found.length} ${found.length === 1 ? 'conversation' : 'conversations'}, as the Twilio API lists them.`;
  }

  async reset(account) {
    const question = account
      ? `Reset account ${account.sid} to the fixtures the stub started with? Its changes are lost; other accounts keep theirs.`
      : 'Reset every account to the fixtures the stub started with? Every change since is lost. The journal and the faults stay.';
    if (!(await confirmAction(question, account ? 'Reset the account' : 'Reset everything'))) return;
    const path = account ? `/_stub/reset?account=${encodeURIComponent(account.sid)}` : '/_stub/reset';
    try {
      await api.admin(path, { method: 'POST' });
    } catch (err) {
      say($('world-error'), api.describe(err));
      return;
    }
    await this.refresh();
    $('world-status').textContent = account ? `Account ${account.sid} reset at ${clock(new Date())}.` : `Everything reset at ${clock(new Date())}.`;
  }

  // exportState downloads the state as a fixtures file: the same document
  // GET /_stub/state answers, which PUT (or --fixtures) takes back.
  async exportState() {
    let blob;
    try {
      blob = await (await api.admin('/_stub/state')).blob();
    } catch (err) {
      say($('world-error'), api.describe(err));
      return;
    }
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    const link = el('a', { href: URL.createObjectURL(blob), download: `stub-state-${stamp}.json` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    $('world-status').textContent = `Exported the state as ${link.download}.`;
  }

  async importFile() {
    const form = $('world-import');
    const file = form.elements.namedItem('file').files[0];
    if (!file) {
      say($('world-error'), 'Choose a fixtures file first (YAML or JSON), then Import.');
      form.elements.namedItem('file').focus();
      return;
    }
    const method = form.elements.namedItem('mode').value;
    const text = await file.text();
    const json = /\.json$/i.test(file.name) || /^\s*[{[]/.test(text);
    try {
      const state = await api.adminJSON('/_stub/state', {
        method, body: text, headers: { 'Content-Type': json ? 'application/json' : 'application/yaml' },
      });
      say($('world-error'), '');
      await this.refresh();
      const n = (state.accounts || []).length;
      $('world-status').textContent = `${method === 'PUT' ? 'Replaced the state with' : 'Merged'} ${file.name}: the state has ${n} ${n === 1 ? 'account' : 'accounts'} now.`;
    } catch (err) {
      say($('world-error'), err.status === 400 ? `${file.name} was not imported: ${err.message}` : api.describe(err));
    }
  }
}
