/**
 * Settings shared by the property-based fuzz tests (fast-check, https://fast-check.dev/).
 *
 * Every property runs {@link FUZZ_RUNS} cases from a FIXED seed, so a run is the same on every
 * machine and a failure reproduces: fast-check's failure message prints the seed, the `path` of
 * the shrunk counterexample and the counterexample itself; re-run with that seed (and
 * `FUZZ_PATH` to replay only the counterexample). Environment overrides, for exploring:
 *
 * - `FUZZ_SEED=<integer>`: another seed for every property;
 * - `FUZZ_RUNS=<integer>`: another number of cases (default 10,000);
 * - `FUZZ_PATH=<path>`: replay one counterexample (with the seed it was found with).
 */
import type { Parameters } from 'fast-check';

/** Cases per property (10,000 unless `FUZZ_RUNS` says otherwise). */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

/** The seed to use: `FUZZ_SEED` when set, else the property's own fixed seed. */
export function fuzzSeed(fixedSeed: number): number {
	const override = process.env.FUZZ_SEED;
	return override !== undefined && override !== '' ? Number(override) : fixedSeed;
}

/**
 * fast-check parameters for one property: fixed seed, {@link FUZZ_RUNS} runs, no time limit (the
 * machine is shared: nothing here depends on time), and the replay path when given.
 */
export function fuzzParameters<T>(seed: number, runs: number = FUZZ_RUNS): Parameters<T> {
	const path = process.env.FUZZ_PATH;
	return { seed, numRuns: runs, ...(path ? { path, endOnFailure: true } : {}) };
}

/** `"seed 123, 10000 runs"`: put in test names so the seed shows in every report. */
export function fuzzLabel(seed: number, runs: number = FUZZ_RUNS): string {
	return `seed ${seed}, ${runs} runs`;
}

/**
 * Throws `Error(message)` unless `condition` holds. The per-case checks use this instead of
 * jest's `expect`, which builds an error object (with a stack trace) on every call and would take
 * most of the fuzzing time.
 */
export function ensure(condition: boolean, message: string | (() => string)): asserts condition {
	if (!condition) throw new Error(typeof message === 'string' ? message : message());
}

/** Throws unless `actual === expected` (Object.is), naming `what` and both values. */
export function ensureSame<T>(actual: T, expected: T, what: string): void {
	if (!Object.is(actual, expected)) throw new Error(`${what}: got ${String(actual)}, expected ${String(expected)}`);
}
