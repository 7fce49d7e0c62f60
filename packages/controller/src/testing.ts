// Test support (the `@samsa/controller/testing` subpath, not the public API): the shared manual
// clock, so the controller's tests and its dependents' drive liveness without sleeping.
export { ManualClock, settle } from '@samsa/protocol/testing';
