import { redactUrl } from '../../../src/host/http/redactUrl';

describe('redactUrl', () => {
  it.each([
    ['/api/jobs?code=abc123==', '/api/jobs?code=***'],
    ['/api/jobs?top=5&code=abc&status=Failed', '/api/jobs?top=5&code=***&status=Failed'],
    ['/api/jobs?CODE=abc#frag', '/api/jobs?CODE=***#frag'],
    ['/api/jobs?code=a&code=b', '/api/jobs?code=***&code=***'],
    ['/api/jobs?code=', '/api/jobs?code=***'],
    ['/api/jobs?zipcode=94103&barcode=1', '/api/jobs?zipcode=94103&barcode=1'],
    ['/api/code=1/jobs', '/api/code=1/jobs'],
    ['/api/jobs', '/api/jobs'],
  ])('turns %j into %j', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('reads a missing URL as empty', () => {
    expect(redactUrl(undefined)).toBe('');
  });
});
