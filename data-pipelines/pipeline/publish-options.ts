/**
 * The options every publishing command takes (`npm run pipeline`, `npm run merge`): wait for
 * another command's lock on DIR, and how many replaced versions of DIR to keep.
 */
import { UserError } from '../lib/errors.ts';
import type { LockHolder } from './lock.ts';
import { DEFAULT_RETENTION, type Retention } from './swap.ts';

/** For `parseArgs`. */
export const PUBLISH_OPTIONS = {
	wait: { type: 'boolean', default: false },
	'keep-versions': { type: 'string' },
	'keep-hours': { type: 'string' }
} as const;

/** For `--help`. */
export const PUBLISH_USAGE = `  --wait                if another command is publishing DIR, wait for it (default: refuse)
  --keep-versions N     keep the N newest versions of DIR, the new one included (default 2)
  --keep-hours H        and keep any version replaced less than H hours ago (default 24), so
                        that a page opened on it goes on working and offers the new one`;

/** `--keep-versions` and `--keep-hours`, checked. */
export function parseRetention(versions?: string, hours?: string): Retention {
	const number = (flag: string, text: string | undefined, fallback: number, min: number) => {
		if (text === undefined) return fallback;
		const value = Number(text);
		if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || !(value >= min)) {
			throw new UserError(`invalid ${flag} "${text}": expected a number, at least ${min}`);
		}
		return value;
	};
	return {
		versions: Math.floor(number('--keep-versions', versions, DEFAULT_RETENTION.versions, 1)),
		hours: number('--keep-hours', hours, DEFAULT_RETENTION.hours, 0)
	};
}

/** The publishing options as a command passes them on, saying on stderr when it waits. */
export function publishing(
	values: { wait?: boolean; 'keep-versions'?: string; 'keep-hours'?: string; quiet?: boolean },
	name: string,
	out: string
): { wait: boolean; retention: Retention; onWaitForLock?: (holder: LockHolder) => void } {
	return {
		wait: values.wait ?? false,
		retention: parseRetention(values['keep-versions'], values['keep-hours']),
		onWaitForLock: values.quiet
			? undefined
			: (holder) =>
					process.stderr.write(
						`${name}: waiting for pid ${holder.pid}, publishing ${out} since ${holder.since}\n`
					)
	};
}
