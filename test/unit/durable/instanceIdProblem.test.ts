import { instanceIdProblem } from '../../../src/host/durable/taskHub/instanceIdProblem';

describe('instanceIdProblem', () => {
  it.each(['job-1', 'a'.repeat(256), 'weather@seattle', 'café'])('accepts %s', (id) => {
    expect(instanceIdProblem(id)).toBeUndefined();
  });

  it.each([
    ['', '1-256 characters'],
    ['a'.repeat(257), '1-256 characters'],
    ['a/b', 'none of / \\ # ?'],
    ['a?b', 'none of / \\ # ?'],
    ['tab\there', 'control characters'],
    // Entities' rows are @name@key: an orchestration (client start or sub-orchestration) may not take one.
    ['@counter@shared', 'does not start with @'],
  ])('refuses %j, saying why', (id, why) => {
    expect(instanceIdProblem(id)).toContain(why);
  });
});
