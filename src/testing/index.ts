// rx-lro/testing: the Azure long-running-operation simulator. Explicit export list: internals stay internal.
export { startSimulator } from './server';
export { runSimulatorCli, CLI_USAGE } from './cli';
export { QUERY_HELP } from './query';
export { EXPOSED_HEADERS } from './cors';

export type { CliIo, CliRun } from './cli';
export type {
  ArmError,
  ArmErrorAdditionalInfo,
  Fault,
  FaultKind,
  FaultTarget,
  LroMethod,
  LroPattern,
  MonitorField,
  OperationScript,
  RecordedRequest,
  RequestKind,
  RetryAfter,
  Simulator,
  SimulatorOptions,
} from './types';
