// Runs Twilio's official Node helper library (the `twilio` npm package,
// pinned in package.json) against a running User Conversation stub. The
// library is used unchanged except for where it sends requests: an
// httpClient rewrites every URL's protocol and host to the stub's, which
// also covers the absolute meta.next_page_url the stub hands back (setting
// client.conversations.baseUrl would not).
//
// Environment: STUB_URL (http://127.0.0.1:port), TWILIO_ACCOUNT_SID and
// TWILIO_AUTH_TOKEN. The stub must be seeded with the interop world
// (server/internal/interop/world_test.go); TestTwilioNodeLibrary does all of this.
//
// stdout: one line per step ("ok - …" or "FAIL - …: reason"), then
// "node interop: N passed, M failed". stderr: every request as it went on
// the wire ("wire: METHOD path [body] -> status"). Exit status 1 on any
// failure, 2 on bad setup.
import assert from "node:assert/strict";
import twilio from "twilio";

const stubURL = process.env.STUB_URL;
const accountSid = process.env.TWILIO_ACCOUNT_SID;
const authToken = process.env.TWILIO_AUTH_TOKEN;
if (!stubURL || !accountSid || !authToken) {
  console.error("scenario.mjs: set STUB_URL, TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN");
  process.exit(2);
}
const target = new URL(stubURL);

// The interop world's identifiers (server/internal/interop/world_test.go).
const sid = (prefix, n) => prefix + n.toString(16).padStart(32, "0");
const alice = sid("US", 1);
const conv = (n) => sid("CH", n);

// nodeWire counts the requests the library makes and logs each one as it
// went on the wire.
const nodeWire = { count: 0, log: [] };

// docs:begin http-client
const delegate = new twilio.RequestClient();
const httpClient = {
  request(opts) {
    const u = new URL(opts.uri);
    u.protocol = target.protocol;
    u.host = target.host;
    return delegate.request({ ...opts, uri: u.href });
  },
  // BaseTwilio reads lastRequest/lastResponse off its httpClient.
  get lastRequest() { return delegate.lastRequest; },
  get lastResponse() { return delegate.lastResponse; },
};

const client = twilio(accountSid, authToken, { httpClient });
// docs:end http-client

delegate.axios.interceptors.response.use((res) => {
  // After transformRequest: config.data is the exact body string sent.
  const body = typeof res.config.data === "string" ? res.config.data : "";
  const entry = { method: res.request.method, path: res.request.path, body, status: res.status };
  nodeWire.count++;
  nodeWire.log.push(entry);
  console.error(`wire: ${entry.method} ${entry.path}${body ? ` [${body}]` : ""} -> ${entry.status}`);
  return res;
});

const userConversations = (user) => client.conversations.v1.users(user).userConversations;

// nodeRaw fetches a resource straight from the stub, for comparing what the
// library made of it with what the stub sent.
async function nodeRaw(path) {
  const res = await fetch(new URL(path, target), {
    headers: { Authorization: "Basic " + Buffer.from(`${accountSid}:${authToken}`).toString("base64") },
  });
  assert.equal(res.status, 200, `raw GET ${path}`);
  return res.json();
}

// nodeLastWire returns the last request the library sent.
const nodeLastWire = () => nodeWire.log[nodeWire.log.length - 1];

const steps = [];
const step = (name, fn) => steps.push({ name, fn });

step("list pageSize 2 follows next_page_url: 5 conversations in 3 requests", async () => {
  nodeWire.count = 0;
  const got = await userConversations(alice).list({ pageSize: 2 });
  assert.deepEqual(got.map((c) => c.conversationSid), [1, 2, 3, 4, 5].map(conv));
  assert.equal(nodeWire.count, 3, "HTTP requests");
  for (const c of got) assert.equal(c.userSid, alice);
});

step("list pageSize 2 limit 3: 3 conversations in 2 requests", async () => {
  nodeWire.count = 0;
  const got = await userConversations(alice).list({ pageSize: 2, limit: 3 });
  assert.deepEqual(got.map((c) => c.conversationSid), [1, 2, 3].map(conv));
  assert.equal(nodeWire.count, 2, "HTTP requests");
});

step("fetch by SIDs and by identity + unique_name give the same conversation", async () => {
  const bySid = await userConversations(alice)(conv(3)).fetch();
  const byName = await userConversations("alice")("support").fetch();
  assert.equal(bySid.conversationSid, conv(3));
  assert.equal(byName.conversationSid, conv(3));
  assert.equal(byName.userSid, alice);
  assert.equal(byName.uniqueName, "support");
  assert.equal(byName.friendlyName, "Room 3");
  assert.equal(bySid.lastReadMessageIndex, null);
  assert.equal(bySid.unreadMessagesCount, null);
  assert.equal(bySid.notificationLevel, "default");
});

step("dates arrive as Date objects equal to the stub's", async () => {
  const got = await userConversations(alice)(conv(3)).fetch();
  const raw = await nodeRaw(`/v1/Users/${alice}/Conversations/${conv(3)}`);
  for (const [field, key] of [["dateCreated", "date_created"], ["dateUpdated", "date_updated"]]) {
    assert.ok(got[field] instanceof Date, `${field} is a ${typeof got[field]}, not a Date`);
    assert.equal(got[field].getTime(), Date.parse(raw[key]), `${field} vs ${key} ${raw[key]}`);
  }
  assert.equal(got.dateCreated.toISOString(), "2024-01-01T00:03:00.000Z");
});

step("each answer carries its own Twilio-Request-Id", async () => {
  const ids = [];
  for (let i = 0; i < 2; i++) {
    await userConversations(alice)(conv(3)).fetch();
    // The library keeps the last response on its httpClient.
    ids.push(httpClient.lastResponse.headers["twilio-request-id"]);
  }
  for (const id of ids) assert.match(String(id), /^RQ[0-9a-f]{32}$/);
  assert.notEqual(ids[0], ids[1]);
});

let updated;
step("update lastReadTimestamp, lastReadMessageIndex 4, notificationLevel muted", async () => {
  updated = await userConversations(alice)(conv(3)).update({
    lastReadTimestamp: new Date("2024-05-06T07:08:09.123Z"),
    lastReadMessageIndex: 4,
    notificationLevel: "muted",
  });
  const sent = nodeLastWire();
  assert.equal(sent.method, "POST");
  assert.equal(sent.body, "NotificationLevel=muted&LastReadTimestamp=2024-05-06T07%3A08%3A09Z&LastReadMessageIndex=4");
  assert.equal(updated.conversationSid, conv(3));
  assert.equal(updated.lastReadMessageIndex, 4);
  assert.equal(updated.unreadMessagesCount, 10 * 3 - 1 - 4);
  assert.equal(updated.notificationLevel, "muted");
});

step("fetch after update shows the same", async () => {
  assert.ok(updated, "update step did not run");
  const got = await userConversations("alice")("support").fetch();
  assert.equal(got.lastReadMessageIndex, 4);
  assert.equal(got.unreadMessagesCount, 25);
  assert.equal(got.notificationLevel, "muted");
  assert.equal(got.dateUpdated.getTime(), updated.dateUpdated.getTime());
});

// The typings say lastReadMessageIndex is a number, but the library only
// skips undefined: null (like "") is form-encoded as an empty value.
step("clear the read horizon: lastReadMessageIndex null sends LastReadMessageIndex=", async () => {
  const got = await userConversations(alice)(conv(3)).update({ lastReadMessageIndex: null });
  const sent = nodeLastWire();
  assert.equal(sent.method, "POST");
  assert.equal(sent.body, "LastReadMessageIndex=");
  assert.equal(got.lastReadMessageIndex, null);
  assert.equal(got.unreadMessagesCount, null);
  assert.equal(got.notificationLevel, "muted", "clearing the index keeps the notification level");
  const again = await userConversations(alice)(conv(3)).fetch();
  assert.equal(again.lastReadMessageIndex, null);
  assert.equal(again.unreadMessagesCount, null);
});

step("remove then fetch: RestException 404, code 20404", async () => {
  const removed = await userConversations(alice)(conv(2)).remove();
  assert.equal(removed, true);
  assert.equal(nodeLastWire().status, 204);
  await assert.rejects(userConversations(alice)(conv(2)).fetch(), (err) => {
    assert.ok(err instanceof twilio.RestException, `got ${err?.constructor?.name}: ${err}`);
    assert.equal(err.status, 404);
    assert.equal(err.code, 20404);
    assert.equal(err.moreInfo, "https://www.twilio.com/docs/errors/20404");
    assert.equal(typeof err.message, "string");
    assert.ok(err.message.length > 0, "empty message");
    return true;
  });
});

step("list after remove: 4 conversations", async () => {
  const got = await userConversations(alice).list({ pageSize: 2 });
  assert.deepEqual(got.map((c) => c.conversationSid), [1, 3, 4, 5].map(conv));
});

let passed = 0;
let failed = 0;
for (const { name, fn } of steps) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL - ${name}: ${err?.message ?? err}`);
    if (err?.stack) console.error(err.stack);
  }
}
console.log(`node interop: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
