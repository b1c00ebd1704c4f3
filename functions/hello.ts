import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';

/** Placeholder until the scoring demo lands: proves the app runs on the host. */
export async function hello(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const name = request.query.get('name') ?? (await request.text()) ?? 'world';
  context.log(`hello called for ${name || 'world'}`);
  return { body: `Hello, ${name || 'world'}!` };
}

app.http('hello', { methods: ['GET', 'POST'], authLevel: 'anonymous', handler: hello });
