import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface ArmRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** An answer: status and JSON body, for a method and path. */
export type ArmRoute = (request: ArmRequest) => { status: number; body?: unknown } | undefined;

export interface ArmStandIn {
  readonly endpoint: string;
  /** The server's self-signed certificate, for the client to trust. */
  readonly certificate: string;
  readonly requests: ArmRequest[];
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1, made with openssl. */
function selfSignedCertificate(): { key: string; cert: string } {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'arm-tls-'));
  try {
    const [key, cert] = [path.join(folder, 'key.pem'), path.join(folder, 'cert.pem')];
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ]),
      { stdio: 'ignore' },
    );
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * A local HTTPS server standing in for Azure Resource Manager (no subscription is reachable from the
 * tests): it records each request and answers from the routes, 404 otherwise.
 */
export async function startArmStandIn(route: ArmRoute): Promise<ArmStandIn> {
  const { key, cert } = selfSignedCertificate();
  const requests: ArmRequest[] = [];
  const server = https.createServer({ key, cert }, (incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'https://127.0.0.1');
      const request: ArmRequest = {
        method: incoming.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization: incoming.headers.authorization,
        contentType: incoming.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const answer = route(request) ?? {
        status: 404,
        body: { error: { code: 'NotFound', message: url.pathname } },
      };
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${port}`,
    certificate: cert,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
