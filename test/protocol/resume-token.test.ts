// S3: a resume token read back from storage is checked for shape, and a bad one says what is wrong.
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors';
import { readResumeToken } from '../../src/protocol/resume-token';

const GOOD = { v: 1, method: 'PUT', url: 'https://h/r?api-version=1', mode: 'status', pollUrl: 'https://h/op?api-version=1' } as const;

function message(value: unknown): string {
  const read = readResumeToken(value);
  expect(read).toBeInstanceOf(ProtocolError);
  expect((read as ProtocolError).rule).toBe('S3');
  return (read as ProtocolError).message;
}

describe('S3 readResumeToken', () => {
  it('S3 a good token comes back with only the fields a token has', () => {
    expect(readResumeToken({ ...GOOD, finalStateVia: 'location', extra: 'dropped' })).toEqual({ ...GOOD, finalStateVia: 'location' });
    expect(readResumeToken({ v: 1, method: 'GET', url: 'https://h/x', mode: 'location', pollUrl: 'https://h/l' })).toMatchObject({
      method: 'GET',
    });
  });

  it.each([
    [{ ...GOOD, v: 2 }, 'v must be 1, got 2'],
    [{ ...GOOD, method: 'HEAD' }, 'method must be "PUT", "PATCH", "POST", "DELETE", "GET", got "HEAD"'],
    [{ ...GOOD, url: 7 }, 'url must be a URL string, got 7'],
    [{ ...GOOD, mode: 'poll' }, 'mode must be "status", "location", "body", "none", got "poll"'],
    [{ ...GOOD, replaceApiVersion: 'yes' }, 'replaceApiVersion must be a boolean, got "yes"'],
    [{ v: 1, method: 'PUT', mode: 'status', pollUrl: 'https://h/op' }, 'url must be a URL string, got nothing'],
    [{ ...GOOD, pollUrl: undefined }, 'mode "status" needs a pollUrl, got nothing'],
    [{ v: 1, method: 'POST', url: 'https://h/a', mode: 'none' }, 'a POST that finished at once has nothing left to poll'],
  ])('S3 %j: names the field, what it must be and what was found', (token, expected) => {
    expect(message(token)).toContain(`Invalid resume token: ${expected}`);
  });

  it('S3 every wrong field is named at once', () => {
    expect(message({ v: 2, method: 'PUT', url: null, mode: 'status', pollUrl: 'x' })).toContain(
      'v must be 1, got 2; url must be a URL string, got null',
    );
  });

  it('S3 a token still in JSON text says to JSON.parse it first; null or an array says what a token is', () => {
    expect(message(JSON.stringify(GOOD))).toContain('JSON.parse');
    expect(message(null)).toContain("expected an object { v, method, url, mode, … } (a snapshot's resumeToken), got null");
    expect(message([GOOD])).toContain('expected an object');
  });
});
