/**
 * A test hook that makes concurrent publishing deterministic: with
 * `PATHWAY_INSIGHT_PAUSE=lock,swap` in its environment, a publishing command stops at each named
 * point (`lock`: the dataset's lock just taken; `swap`: the new version written, about to be
 * swapped in), says so on stderr, and goes on when it receives SIGUSR2. Tests start a second
 * command while the first is held there. Unset, it costs nothing.
 */
export type PausePoint = 'lock' | 'swap';

export async function pauseAt(point: PausePoint, env: NodeJS.ProcessEnv = process.env) {
	const points = (env.PATHWAY_INSIGHT_PAUSE ?? '').split(',').map((p) => p.trim());
	if (!points.includes(point)) return;
	// A timer keeps the process alive while it waits: a signal handler alone does not.
	const alive = setInterval(() => {}, 1000);
	const resumed = new Promise<void>((resume) => process.once('SIGUSR2', () => resume()));
	process.stderr.write(
		`pathway-insight: paused at ${point} (pid ${process.pid}); SIGUSR2 resumes\n`
	);
	await resumed;
	clearInterval(alive);
}
