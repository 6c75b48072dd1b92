// Calls to the stub: its admin API with the admin token (a bearer token,
// kept in this tab's sessionStorage), and its Twilio API with an account's
// credentials (HTTP Basic, as Twilio's libraries send them). Failures are
// ApiErrors carrying Twilio's error code and message.

const TOKEN_KEY = 'conversations-stub.admin-token';

export const token = () => sessionStorage.getItem(TOKEN_KEY);
export const saveToken = (value) => sessionStorage.setItem(TOKEN_KEY, value);
export const forgetToken = () => sessionStorage.removeItem(TOKEN_KEY);

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status; // 0: no answer at all
    this.code = code; // Twilio's error code, 0 if none
    this.retryAfter = retryAfter;
  }
}

let unauthorized = () => {};

// whenUnauthorized sets what happens when the admin API refuses the saved
// token (the stub restarted with another one, say).
export function whenUnauthorized(handler) {
  unauthorized = handler;
}

async function call(path, { method = 'GET', headers = {}, body, authorization }) {
  let resp;
  try {
    // credentials: 'omit' sends no cookie and lets no browser password
    // prompt appear: the Authorization header is the page's own.
    resp = await fetch(path, {
      method, body, cache: 'no-store', credentials: 'omit',
      headers: { ...headers, Authorization: authorization },
    });
  } catch (err) {
    throw new ApiError(0, 0, `The stub did not answer (${err.message}). Is it still running at ${location.origin}?`);
  }
  if (resp.ok) return resp;
  let code = 0;
  let message = resp.statusText || `HTTP ${resp.status}`;
  try {
    const body = await resp.json();
    if (typeof body.code === 'number') code = body.code;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // Not Twilio's error JSON (a fault's malformed body, say): keep the status text.
  }
  throw new ApiError(resp.status, code, message, resp.headers.get('Retry-After'));
}

// admin calls the admin API with the saved token, or with one being tried
// (signIn: a refusal is then the caller's to report).
export async function admin(path, options = {}) {
  const bearer = options.token ?? token();
  try {
    return await call(path, { ...options, authorization: `Bearer ${bearer}` });
  } catch (err) {
    if (err.status === 401 && options.token === undefined) unauthorized(err);
    throw err;
  }
}

export const adminJSON = async (path, options) => (await admin(path, options)).json();

// twilio calls the Twilio API as account (an account of the state export:
// its sid and auth_token).
export function twilio(account, path, options = {}) {
  return call(path, { ...options, authorization: `Basic ${btoa(`${account.sid}:${account.auth_token}`)}` });
}

// describe says what went wrong and, where it can, what to do.
export function describe(err) {
  if (!(err instanceof ApiError)) return `Something went wrong in the page: ${err.message}`;
  if (err.status === 0) return err.message;
  const code = err.code ? `, code ${err.code}` : '';
  return `The stub answered ${err.status}${code}: ${err.message}`;
}

// signInProblem says why a token was refused, and what to do.
export function signInProblem(err) {
  if (err instanceof ApiError) {
    switch (err.status) {
      case 401:
        return 'The stub refused this token (401). Enter the admin token it was started with: ' +
          'its --admin-token flag or STUB_ADMIN_TOKEN variable.';
      case 429:
        return `Too many wrong tokens from this address: wait ${err.retryAfter || 1} s (Retry-After), then try again.`;
      case 404:
        return 'The admin API is off: start the stub with --admin-token (or STUB_ADMIN_TOKEN) to use the dashboard.';
    }
  }
  return describe(err);
}
