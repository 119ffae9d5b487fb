// The daemon's JSON API as the UI calls it: same-origin fetch with the
// session cookie, the CSRF token on every state-changing call, errors thrown
// as ApiError with the daemon's message.

let csrfToken = null;

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `the daemon answered HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
  // plex_optout: the plex.tv account is signed out (not the UI session).
  get signedOut() {
    return this.status === 401 && this.body.signed_out === true;
  }
}

export async function loadSession() {
  const session = (await request('GET', '/api/session')).body;
  csrfToken = session.csrf_token;
  return session;
}

// Returns {status, body}; throws ApiError for 4xx/5xx, except the statuses in `accept`.
export async function request(method, path, body, { accept = [] } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError(0, { error: `scanhook did not answer (${error.message})` });
  }
  let data = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { error: text.slice(0, 200) };
    }
  }
  // Our own session ended: back to the login page (plex.tv's sign-out is handled by the page).
  if (response.status === 401 && !(data && data.signed_out)) {
    window.location.assign('/login');
    throw new ApiError(401, data);
  }
  if (response.ok || accept.includes(response.status)) return { status: response.status, body: data };
  throw new ApiError(response.status, data);
}

export const get = async (path) => (await request('GET', path)).body;
export const post = async (path, body, options) => (await request('POST', path, body, options)).body;
