// The RxJS and rx-lro pieces the command-line tools use, in one place.
export { Subject, map, takeUntil, timer, type Observable } from 'rxjs';
export { exponentialBackoff } from 'rx-lro';
