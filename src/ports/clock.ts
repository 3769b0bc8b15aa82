/** Time as the core sees it: injected so tests and contract suites can move it. */
export interface Clock {
  now(): Date;
}
