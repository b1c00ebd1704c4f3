import type { HttpResponseInit } from '@azure/functions';
import type { DashboardAsset } from './dashboardAssets';

// The page runs only its own bundle and talks only to this app: no inline script or style, no other
// origin, no framing. uPlot styles its elements through the DOM (allowed), not through inline markup.
const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  // The first load may carry `?code=` until the page removes it: never send it on as a referrer.
  'referrer-policy': 'no-referrer',
};

/**
 * GET /api/dashboard/{*path}: the dashboard's page and its bundled files. They hold no data (every data
 * call carries the function key), so they are served without one; any path that is not a bundled file
 * gets the page, whose hash routing picks the view.
 */
export function serveDashboardAsset(
  url: string,
  requestPath: string,
  assets: ReadonlyMap<string, DashboardAsset>,
): HttpResponseInit {
  const { pathname, search } = new URL(url);
  // `/api/dashboard` without its slash would resolve the page's files one folder up.
  if (requestPath === '' && !pathname.endsWith('/'))
    return { status: 308, headers: { location: `${pathname}/${search}`, ...securityHeaders } };
  const name = requestPath.split('/').filter(Boolean).pop() ?? 'index.html';
  const asset = assets.get(name) ?? (name.includes('.') ? undefined : assets.get('index.html'));
  if (!asset) {
    const missing = assets.size === 0;
    return {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders },
      body: missing
        ? 'The dashboard was not built: run "npm run build".'
        : `No dashboard file named "${name.slice(0, 80)}".`,
    };
  }
  return {
    status: 200,
    headers: {
      'content-type': asset.contentType,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...securityHeaders,
    },
    body: asset.body,
  };
}
