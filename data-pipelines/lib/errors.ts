/**
 * An error meant for the person at the terminal: its message is the whole story (what failed and
 * how to fix it), so the CLI prints it on one line with no stack trace, and exits with its status.
 */
export class UserError extends Error {
	override name = 'UserError';
	/** The exit status a CLI ends with: 2 (bad arguments or unreadable input) unless a kind says. */
	readonly exitCode: number = 2;
	constructor(message: string, exitCode = 2) {
		super(message);
		this.exitCode = exitCode;
	}
}

/** Runs a CLI's main function: one-line errors, exit codes, no stack traces for users. */
export async function runCli(name: string, main: (argv: string[]) => Promise<number | void>) {
	try {
		const code = await main(process.argv.slice(2));
		process.exitCode = code ?? 0;
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const oneLine = message.split('\n')[0];
		process.stderr.write(`${name}: ${oneLine}\n`);
		if (!(error instanceof UserError) && process.env.PATHWAY_INSIGHT_DEBUG) {
			process.stderr.write(`${(error as Error).stack ?? ''}\n`);
		}
		process.exitCode = error instanceof UserError ? error.exitCode : 1;
	}
}
