import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDashboardAssets } from '../../../src/dashboard/dashboardAssets';
import { serveDashboardAsset } from '../../../src/dashboard/serveDashboardAsset';

const parent = mkdtempSync(path.join(os.tmpdir(), 'dashboard-'));
const folder = path.join(parent, 'bundle');
mkdirSync(folder);
writeFileSync(path.join(folder, 'index.html'), '<!doctype html><title>page</title>');
writeFileSync(path.join(folder, 'app-ABC123.js'), 'console.log(1)');
writeFileSync(path.join(folder, 'app-ABC123.css'), 'body{}');
writeFileSync(path.join(folder, 'notes.txt'), 'not served');
writeFileSync(path.join(parent, 'outside.js'), 'secret');
const assets = loadDashboardAssets(folder);
const base = 'http://127.0.0.1:7071/api/dashboard';

function serve(requestPath: string, url = `${base}/${requestPath}`) {
  const response = serveDashboardAsset(url, requestPath, assets);
  const headers = (response.headers ?? {}) as Record<string, string>;
  const body = response.body;
  return {
    status: response.status,
    headers,
    body: Buffer.isBuffer(body) || typeof body === 'string' ? body.toString() : '',
  };
}

describe('serveDashboardAsset', () => {
  it.each([
    ['', 'text/html; charset=utf-8', 'no-cache'],
    ['index.html', 'text/html; charset=utf-8', 'no-cache'],
    ['app-ABC123.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['app-ABC123.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['jobs', 'text/html; charset=utf-8', 'no-cache'],
  ])('"%s" is served as %s, cached %s, under the CSP', (requestPath, contentType, cache) => {
    const { status, headers } = serve(requestPath);
    expect(status).toBe(200);
    expect(headers['content-type']).toBe(contentType);
    expect(headers['cache-control']).toBe(cache);
    expect(headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-content-type-options']).toBe('nosniff');
  });

  it.each(['notes.txt', 'missing.js', '../outside.js', '..%2Foutside.js', 'a/../../outside.js'])(
    '"%s" is not a bundled file: 404, nothing outside the folder',
    (requestPath) => {
      const { status, body } = serve(requestPath);
      expect(status).toBe(404);
      expect(body).not.toContain('secret');
    },
  );

  it('redirects /api/dashboard to /api/dashboard/, keeping the query', () => {
    const { status, headers } = serve('', `${base}?code=k`);
    expect(status).toBe(308);
    expect(headers.location).toBe('/api/dashboard/?code=k');
  });

  it('says to build when the bundle is missing', () => {
    const response = serveDashboardAsset(`${base}/`, '', loadDashboardAssets(path.join(folder, 'none')));
    expect(response.status).toBe(404);
    expect(response.body).toBe('The dashboard was not built: run "npm run build".');
  });
});
