import { HostLogger } from '../../../src/host/logging/HostLogger';

function loggerWriting(format: 'text' | 'json', levels: Record<string, string> = {}) {
  const lines: string[] = [];
  return { log: new HostLogger(levels, { write: (line) => lines.push(line) }, format), lines };
}

describe('HostLogger as JSON lines', () => {
  it('writes a function’s line with its invocation, trace and span ids', () => {
    const { log, lines } = loggerWriting('json');
    const traceParent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    log.fn('warning', 'createJob', 'said "hi"\nand more', {
      invocationId: 'i-1',
      category: 'user',
      traceParent,
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'warning',
      category: 'Function.createJob.User',
      function: 'createJob',
      invocationId: 'i-1',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      message: 'said "hi"\nand more',
    });
  });

  it('writes the host’s lines with the Host category, and filters levels as the text log does', () => {
    const { log, lines } = loggerWriting('json', { Host: 'warning', 'Function.quiet': 'error' });
    log.info('not shown');
    log.warn('shown');
    log.fn('information', 'quiet', 'not shown', { invocationId: 'i-2', category: 'system' });
    expect(lines.map((line) => JSON.parse(line) as object)).toEqual([
      { timestamp: expect.any(String), level: 'warning', category: 'Host', message: 'shown' },
    ]);
  });

  it('keeps the text lines by default', () => {
    const { log, lines } = loggerWriting('text');
    log.fn('information', 'createJob', 'hello', { invocationId: 'i-3', category: 'user' });
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] \[createJob\] hello$/);
  });
});
