/** What a GET of the API gave: the body, or the status that refused it (with the API's message,
 * when it sent one). */
export type Fetched<T> =
  | { readonly ok: true; readonly body: T }
  | { readonly ok: false; readonly status: number; readonly message?: string };

const messageOf = async (response: Response): Promise<string | undefined> => {
  try {
    const body = (await response.json()) as { message?: unknown };
    return typeof body.message === 'string' ? body.message : undefined;
  } catch {
    return undefined;
  }
};

/** GET of the console's API with the session cookie (same origin only); a 401 sends to /login. */
export const fetchJson = async <T>(path: string): Promise<Fetched<T>> => {
  const response = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (response.status === 401) {
    window.location.assign('/login');
    return { ok: false, status: 401 };
  }
  if (!response.ok) {
    const message = await messageOf(response);
    return message === undefined
      ? { ok: false, status: response.status }
      : { ok: false, status: response.status, message };
  }
  return { ok: true, body: (await response.json()) as T };
};
