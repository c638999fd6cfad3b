// Every public export, by name: nothing from an internal path is public by accident.
export { pollOperation } from './operators/poll-operation';
export { fromStart } from './operators/from-start';
export { faultAsData } from './operators/fault-as-data';
export { trackOperation } from './operators/track-operation';
export { resumeOperation } from './operators/resume-operation';
export { finalResult } from './operators/final-result';
export { fetchHttpClient, DEFAULT_BODY_STALL_MS } from './http/fetch-client';
export { DEFAULT_MAX_BODY_BYTES } from './http/limits';
export type { RequestLimiter, LimiterOriginState } from './http/send';
export { exponentialBackoff, constantDelay, defaultDelay } from './protocol/delay';
export { retryAfterMs } from './protocol/retry-after';
export {
  LroError,
  HttpError,
  NetworkError,
  ProtocolError,
  DecodeError,
  TimeoutError,
  SecurityError,
  OperationFailedError,
  IncompleteError,
  StoppedError,
  isLroError,
} from './errors';

export type { OperationRequest } from './operators/track-operation';
export type { OperationStart, FetchResponseStart, StartInput, LazyStart } from './start-input';
export type { TrackerFault } from './operators/fault-as-data';
export type { PollOptions, RetryOptions, AuthorizeHook } from './options';
export type { HttpClient, HttpRequest, HttpResponse } from './http/http-client';
export type { FetchLike, FetchResponseLike, FetchClientOptions } from './http/fetch-client';
export type { DelayPolicy, DelayContext } from './protocol/delay';
export type { ResultDecoder } from './protocol/decode';
export type { TerminalStates } from './protocol/status';
export type { HeadersInput } from './protocol/headers';
export type { LroErrorCode, LroErrorData, LroErrorClass, DecodeIssue, ServiceError, TrackerPosition } from './errors';
export type {
  OperationSnapshot,
  RunningSnapshot,
  SucceededSnapshot,
  FailedSnapshot,
  CanceledSnapshot,
  UnsuccessfulSnapshot,
  SnapshotFields,
  OperationState,
  OperationError,
  OperationInfo,
  ResumeToken,
  PollMode,
  LroMethod,
  FinalStateVia,
} from './snapshot';
