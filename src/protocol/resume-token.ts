import * as t from 'io-ts';
import { ProtocolError } from '../errors';
import type { ResumeToken } from '../snapshot';
import { decodeResult } from './decode';

const ResumeTokenCodec = t.intersection([
  t.type({
    v: t.literal(1),
    method: t.keyof({ PUT: null, PATCH: null, POST: null, DELETE: null, GET: null }),
    url: t.string,
    mode: t.keyof({ status: null, location: null, body: null, none: null }),
  }),
  t.partial({
    pollUrl: t.string,
    locationUrl: t.string,
    apiVersion: t.string,
    replaceApiVersion: t.boolean,
    finalStateVia: t.keyof({ 'azure-async-operation': null, 'operation-location': null, location: null, 'original-uri': null }),
  }),
]);

/**
 * A resume token read back from storage, checked for shape (rule S3): the origin rules are
 * checked by the driver before each request, as for any URL it follows.
 */
export function readResumeToken(value: unknown): ResumeToken | ProtocolError {
  const decoded = decodeResult(ResumeTokenCodec, value);
  if (!decoded.ok) {
    return new ProtocolError(
      `Invalid resume token: ${decoded.error.issues.map((i) => `${i.path || '<root>'} ${i.actual}`).join(', ')}`,
      'S3',
      value,
    );
  }
  const token = decoded.value;
  if (token.mode !== 'none' && token.pollUrl === undefined) {
    return new ProtocolError(`Invalid resume token: mode "${token.mode}" needs a pollUrl`, 'S3', value);
  }
  if (token.mode === 'none' && token.method !== 'PUT' && token.method !== 'PATCH') {
    return new ProtocolError(`Invalid resume token: a ${token.method} that finished at once has nothing left to poll`, 'S3', value);
  }
  return token;
}
