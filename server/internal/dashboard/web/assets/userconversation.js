// One user conversation of the world view: its read horizon, unread count
// and notification level as the Twilio API gives them, a form that updates
// them (POST, as Twilio's libraries send it) and a button that removes the
// user from the conversation (DELETE).
import * as api from './api.js';
import { el, clock, confirmAction } from './dom.js';

export class UserConversation {
  constructor(account, user, uc, onRemoved) {
    this.account = account;
    this.user = user;
    this.uc = uc;
    this.onRemoved = onRemoved;
    this.path = `/v1/Services/${encodeURIComponent(uc.chat_service_sid)}/Users/${encodeURIComponent(uc.user_sid)}/Conversations/${encodeURIComponent(uc.conversation_sid)}`;
    const id = `uc-${uc.user_sid}-${uc.conversation_sid}`;
    const name = uc.friendly_name || uc.unique_name || uc.conversation_sid;

    this.horizon = el('input', { id: `${id}-horizon`, name: 'horizon', inputmode: 'numeric', autocomplete: 'off', placeholder: 'none' });
    this.level = el('select', { id: `${id}-level`, name: 'level' },
      el('option', { value: 'default' }, 'default'), el('option', { value: 'muted' }, 'muted'));
    this.unread = el('output', { id: `${id}-unread`, class: 'unread' });
    this.status = el('p', { class: 'status', role: 'status' });
    const form = el('form', { class: 'uc', 'aria-label': `${user.identity} in ${name}` },
      el('fieldset', {},
        el('legend', {}, el('strong', {}, name), ' ', el('code', { class: 'sid' }, uc.unique_name && uc.unique_name !== name ? `${uc.unique_name} · ${uc.conversation_sid}` : uc.conversation_sid)),
        el('div', { class: 'field narrow' }, el('label', { for: this.horizon.id }, 'Read up to message'), this.horizon),
        el('div', { class: 'field narrow' }, el('label', { for: this.unread.id }, 'Unread'), this.unread),
        el('div', { class: 'field narrow' }, el('label', { for: this.level.id }, 'Notifications'), this.level),
        el('div', { class: 'field actions' },
          el('button', { type: 'submit' }, 'Save'),
          el('button', { type: 'button', class: 'danger', onclick: () => this.remove() }, 'Remove')),
      ));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.save();
    });
    this.node = el('li', { 'data-conversation': uc.conversation_sid, 'data-unique-name': uc.unique_name || '' }, form, this.status);
    this.show(uc);
  }

  show(uc) {
    this.uc = uc;
    this.shownHorizon = uc.last_read_message_index === null ? '' : String(uc.last_read_message_index);
    this.horizon.value = this.shownHorizon;
    this.level.value = uc.notification_level;
    // Twilio counts no unread messages until the user has a read horizon.
    this.unread.value = uc.unread_messages_count === null ? 'not counted' : String(uc.unread_messages_count);
  }

  // save sends what changed: an emptied horizon clears it
  // (LastReadMessageIndex=, as Twilio's API takes it).
  async save() {
    const body = new URLSearchParams();
    const horizon = this.horizon.value.trim();
    if (horizon !== this.shownHorizon) {
      if (horizon !== '' && !/^\d+$/.test(horizon)) {
        this.status.textContent = 'Read up to message: enter a message index (0, 1, …), or empty the field to clear the horizon.';
        this.horizon.focus();
        return;
      }
      body.set('LastReadMessageIndex', horizon);
    }
    if (this.level.value !== this.uc.notification_level) body.set('NotificationLevel', this.level.value);
    if ([...body.keys()].length === 0) {
      this.status.textContent = 'Nothing to save: change the read horizon or the notifications first.';
      return;
    }
    try {
      const resp = await api.twilio(this.account, this.path, {
        method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      this.show(await resp.json());
    } catch (err) {
      this.status.textContent = err.status === 400 ? `Not saved: ${err.message}` : api.describe(err);
      return;
    }
    const unread = this.uc.unread_messages_count === null ? 'no read horizon' : `${this.uc.unread_messages_count} unread`;
    this.status.textContent = `Saved at ${clock(new Date())}: ${this.uc.notification_level}, ${unread}.`;
  }

  async remove() {
    const name = this.uc.friendly_name || this.uc.unique_name || this.uc.conversation_sid;
    if (!(await confirmAction(`Remove ${this.user.identity} from ${name}? The Twilio API deletes the membership.`, 'Remove'))) return;
    try {
      await api.twilio(this.account, this.path, { method: 'DELETE' });
    } catch (err) {
      this.status.textContent = api.describe(err);
      return;
    }
    this.node.remove();
    this.onRemoved();
  }
}
