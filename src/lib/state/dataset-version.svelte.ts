/**
 * Whether a newer version of the dataset has been published since this page opened, and
 * whether the page's own version is still on the server. The page reads only its own version
 * to the end (src/lib/dataset/published.ts); this says, in a banner, that there is a newer one,
 * so the user chooses when to see it. It asks the server at an interval (every minute, or
 * `localStorage['pathway-insight:version-check-ms']`), when the tab is shown again, and when a
 * file of the page's version is found gone.
 */
import { CHECK_VERSION_EVENT, currentVersion, type CurrentVersion } from '../dataset/published.ts';

function interval(): number {
	const set = Number(globalThis.localStorage?.getItem('pathway-insight:version-check-ms'));
	return Number.isFinite(set) && set > 0 ? set : 60_000;
}

export class DatasetVersionWatch {
	/** The version now current, when it is not the page's own. */
	newer = $state.raw<CurrentVersion | null>(null);
	/** The page's version has been removed from the server: only a reload shows figures again. */
	gone = $state(false);
	readonly #root: string;
	#mine: string | null = null;
	#timer: ReturnType<typeof setInterval> | undefined;
	#checking = false;
	readonly #onVisible = () => {
		if (document.visibilityState === 'visible') void this.check();
	};
	readonly #onCheck = () => void this.check();

	constructor(root = '/data') {
		this.#root = root;
	}

	/** Starts watching, for a page that reads version `mine`. */
	start(mine: string): void {
		this.stop();
		this.#mine = mine;
		this.#timer = setInterval(() => void this.check(), interval());
		document.addEventListener('visibilitychange', this.#onVisible);
		window.addEventListener(CHECK_VERSION_EVENT, this.#onCheck);
	}

	stop(): void {
		clearInterval(this.#timer);
		document.removeEventListener('visibilitychange', this.#onVisible);
		window.removeEventListener(CHECK_VERSION_EVENT, this.#onCheck);
	}

	/** Asks the server which version is current and, if it is another, whether ours is still there. */
	async check(): Promise<void> {
		if (!this.#mine || this.#checking) return;
		this.#checking = true;
		try {
			const current = await currentVersion(this.#root);
			if (current.version === this.#mine) return;
			this.newer = current;
			const ours = await fetch(`${this.#root}/v/${this.#mine}/manifest.json`, {
				method: 'HEAD',
				cache: 'no-store'
			});
			this.gone = ours.status === 404;
		} catch {
			// The server did not answer: the pages say so when they next ask it for data.
		} finally {
			this.#checking = false;
		}
	}
}
