// Give up now, resume later: a tracker with a deadline keeps the resume token of a TimeoutError, and a
// later call (another request handler, the next page load, a cron job) continues from it without sending
// the initial request again. The operation itself went on in Azure all along.
// Run: npm run examples (the examples run as tests), or copy it into your project.
import { lastValueFrom } from 'rxjs';
import { isLroError, resumeOperation, trackOperation, type OperationRequest, type OperationSnapshot, type ResumeToken } from 'rx-lro';

/** Where parked operations wait: a database table, Redis, localStorage… A Map here. */
export type Parking = Map<string, ResumeToken>;

/** Tracks an operation for at most `timeoutMs`; returns its last snapshot, or `'parked'` when it gave up. */
export async function trackOrPark(
  key: string,
  request: OperationRequest,
  parking: Parking,
  timeoutMs: number,
  delay = 1000,
): Promise<OperationSnapshot | 'parked'> {
  try {
    return await lastValueFrom(trackOperation(request, { timeoutMs, delay }));
  } catch (error) {
    // A TimeoutError is giving up, not failing: keep its token (its URLs may be signed: store it as a secret).
    if (isLroError(error, 'timeout') && error.resumeToken) {
      parking.set(key, error.resumeToken);
      return 'parked';
    }
    throw error;
  }
}

/** Continues a parked operation to its end; the token is dropped once it is done. */
export async function resumeParked(key: string, parking: Parking, delay = 1000): Promise<OperationSnapshot> {
  const token = parking.get(key);
  if (token === undefined) throw new Error(`nothing parked under ${key}`);
  const last = await lastValueFrom(resumeOperation(token, { delay }));
  parking.delete(key);
  return last;
}
