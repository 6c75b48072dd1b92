// The dashboard's entry point: sign-in, the three views (by the URL's
// fragment: #journal, #world, #faults) and sign-out.
import * as api from './api.js';
import { $, say } from './dom.js';
import { Journal } from './journal.js';
import { World } from './world.js';
import { Faults } from './faults.js';

const views = {};
let current = null;

function signedIn() {
  $('signin').hidden = true;
  $('nav').hidden = false;
  $('signout').hidden = false;
  route();
  // The accounts feed the filters' and the faults' suggestions.
  if (current !== 'world') views.world.refresh();
}

function signedOut(message) {
  api.forgetToken();
  if (current) views[current].hide();
  current = null;
  for (const name of Object.keys(views)) $(name).hidden = true;
  $('nav').hidden = true;
  $('signout').hidden = true;
  $('signin').hidden = false;
  say($('signin-message'), message);
  $('token').focus();
}

// route shows the view the fragment names (the journal by default).
function route() {
  if (!api.token()) return;
  const name = location.hash.slice(1) in views ? location.hash.slice(1) : 'journal';
  if (name === current) return;
  if (current) views[current].hide();
  current = name;
  for (const view of Object.keys(views)) $(view).hidden = view !== name;
  for (const link of $('nav').querySelectorAll('a')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  views[name].show();
}

// tryToken asks the admin API something cheap with the token: only a token
// the stub takes is kept.
async function tryToken(token) {
  await api.admin('/_stub/faults', { token });
}

async function signIn(event) {
  event.preventDefault();
  const input = $('token');
  const token = input.value.trim();
  if (!token) {
    say($('signin-message'), 'Enter the admin token first: the one the stub was started with (--admin-token or STUB_ADMIN_TOKEN).');
    input.focus();
    return;
  }
  try {
    await tryToken(token);
  } catch (err) {
    say($('signin-message'), api.signInProblem(err));
    input.select();
    return;
  }
  input.value = '';
  say($('signin-message'), '');
  api.saveToken(token);
  signedIn();
}

async function start() {
  views.journal = new Journal();
  views.world = new World();
  views.faults = new Faults();
  $('signin-form').addEventListener('submit', signIn);
  $('signout').addEventListener('click', () => signedOut('Signed out. The token is forgotten in this tab.'));
  window.addEventListener('hashchange', route);
  api.whenUnauthorized(() => signedOut(
    'The stub no longer takes the saved admin token (was it restarted with another?). Enter the admin token again.'));

  const saved = api.token();
  if (!saved) {
    signedOut('');
    return;
  }
  try {
    await tryToken(saved);
    signedIn();
  } catch (err) {
    signedOut(api.signInProblem(err));
  }
}

start();
