import { resolve } from 'node:path';

/** Where the e2e tests' demo dataset is published (generated once by global-setup). */
export const E2E_ROOT = resolve('.e2e-data');
export const E2E_EVENTS = resolve(E2E_ROOT, 'events');
export const E2E_DATASET = resolve(E2E_ROOT, 'dataset');
/** NHS England's published statistics for one month, served beside it as the benchmark. */
export const E2E_BENCHMARK = resolve(E2E_ROOT, 'benchmark');
/** The benchmark's month. */
export const E2E_BENCHMARK_MONTH_END = '2025-10-31';
export const E2E_PORT = 4173;
export const E2E_PORT_NO_DATA = 4174;
