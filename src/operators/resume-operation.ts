import { defer, throwError, type Observable } from 'rxjs';
import { driveOperation } from '../driver';
import { resolveOptions, type PollOptions } from '../options';
import { readResumeToken } from '../protocol/resume-token';
import type { OperationSnapshot, ResumeToken } from '../snapshot';

/**
 * Continues tracking from a snapshot's `resumeToken` (after a page reload, in another process)
 * without repeating the initial request. The token is checked for shape and against the origin
 * rules before anything is sent: a tampered one errors with a `ProtocolError` (rule `S3`) or a
 * `SecurityError`. The first snapshot comes from the first poll, which is sent at once.
 *
 * @param token a `resumeToken` as stored (any JSON value is accepted and checked)
 * @example
 * const token = JSON.parse(localStorage.getItem('deployment')!);
 * resumeOperation(token, { authorize }).subscribe(render);
 */
export function resumeOperation<T = unknown>(token: ResumeToken, options?: PollOptions<T>): Observable<OperationSnapshot<T>> {
  const resolved = resolveOptions(options);
  return defer(() => {
    const checked = readResumeToken(token);
    if (!('v' in checked)) return throwError(() => checked);
    return driveOperation({ kind: 'resume', request: { method: checked.method, url: checked.url }, token: checked }, resolved);
  });
}
