import path from 'node:path';
import { publicErrorText } from '../../../src/host/http/publicErrorText';

describe('publicErrorText', () => {
  const here = path.resolve('test/fixtures/apps/durable-app/functions/activities.js');

  it.each([
    [
      `Activity function 'AlwaysFails' failed: Boom: y \n Error: Boom: y\n    at handler (${here}:26:11)\n    at new Promise (<anonymous>)\n    at async Promise.all (index 0)`,
      "Activity function 'AlwaysFails' failed: Boom: y \n Error: Boom: y",
    ],
    [
      `ENOENT: no such file or directory, open '${here}'`,
      "ENOENT: no such file or directory, open '…/activities.js'",
    ],
    [
      "EACCES: permission denied, open '/srv/data/input.csv'",
      "EACCES: permission denied, open '…/input.csv'",
    ],
    ['cannot read C:\\Users\\ada\\app\\x.json', 'cannot read …/x.json'],
    [
      'GET http://127.0.0.1:7071/runtime/webhooks/durabletask/instances/abc failed with 404',
      'GET http://127.0.0.1:7071/runtime/webhooks/durabletask/instances/abc failed with 404',
    ],
    ["Blob 'input/2024/data.csv' not found", "Blob 'input/2024/data.csv' not found"],
  ])('turns %j into %j', (text, expected) => {
    expect(publicErrorText(text)).toBe(expected);
  });
});
