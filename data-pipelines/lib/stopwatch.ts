/**
 * Seconds spent on each part of a step, for the run report: `lap(name)` records the time since
 * the last lap (or since the stopwatch started) under `name`.
 */
export function stopwatch() {
	const seconds: Record<string, number> = {};
	let began = performance.now();
	return {
		seconds,
		lap(name: string) {
			const now = performance.now();
			seconds[name] = Math.round(now - began) / 1000;
			began = now;
		}
	};
}
