import { invocationTraceContext, traceIdOf } from '../../../src/host/tracing/invocationTraceContext';

describe('invocationTraceContext', () => {
  it('continues a valid traceparent with a new span id, its flags and tracestate', () => {
    const context = invocationTraceContext({
      traceParent: '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-00',
      traceState: 'a=1,b=2',
    });
    expect(context.traceParent).toMatch(
      /^00-4bf92f3577b34da6a3ce929d0e0e4736-(?!00f067aa0ba902b7)[0-9a-f]{16}-00$/,
    );
    expect(context).toMatchObject({ traceState: 'a=1,b=2', attributes: {} });
  });

  it.each([
    ['absent', undefined],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['a zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['a zero span id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['version 00 with more fields', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xyz'],
    [
      'two headers joined',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01, 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    ],
  ])('starts a new sampled trace when the traceparent is %s', (_case, traceParent) => {
    const context = invocationTraceContext({ traceParent, traceState: 'dropped=1' });
    expect(context.traceParent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(traceIdOf(context.traceParent)).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(context.traceState).toBe('');
  });
});
