import { CrashPoints } from '../../../src/host/CrashPoints';

describe('DurableScoring__CrashAt', () => {
  it.each([
    undefined,
    '',
    'after-commit',
    'after-commit:4',
    'activity-after-result:10',
    'before-invocation:3',
    'after-invocation:scoreDroppedBlob',
    'after-invocation:commitScoreJob:1',
    'entity-after-commit:2',
    'entity-after-commit:@counter@shared:3',
  ])('accepts %p', (value) => {
    expect(() => CrashPoints.parse(value)).not.toThrow();
  });

  it.each([
    'after-comit:1',
    'after-commit:0',
    'after-commit:many',
    'after-commit:fn:2',
    'before-invocation:fn:2:3',
  ])('refuses %p, naming the setting and the points', (value) => {
    expect(() => CrashPoints.parse(value)).toThrow(
      `DurableScoring__CrashAt "${value}" is not <point>:<n> with point one of after-commit, after-commit-with-sends, after-send, activity-after-result, entity-after-commit, before-invocation, after-invocation, or <point>:<name>:<n> with point one of before-invocation, after-invocation, entity-after-commit (a function's name, or an entity's @name@key).`,
    );
  });
});
