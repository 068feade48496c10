/** html wraps rendered JSX in a Response with the right content type. */
export function html(body: JSX.Element | string, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "text/html; charset=utf-8");
  return new Response(String(body), { ...init, headers });
}

/** redirect answers a form post with 303 See Other (the browser then GETs the target). */
export function redirect(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 303, headers: { location, ...headers } });
}
