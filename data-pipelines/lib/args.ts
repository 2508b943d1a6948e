/** Command-line arguments the way every CLI here reads them: a bad flag is a one-line error. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from './errors.ts';

/**
 * The parsed `--flags` of `argv`, with `--help` added; when `--help` is given, prints `usage`
 * and returns null (the command then exits 0).
 */
export function parseCommand<O extends NonNullable<ParseArgsConfig['options']>>(
	argv: string[],
	options: O,
	usage: string
) {
	let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
	try {
		({ values } = parseArgs({
			args: argv,
			options: { ...options, help: { type: 'boolean', default: false } }
		}));
	} catch (error) {
		throw new UserError(`${(error as Error).message} (see --help)`);
	}
	if (values.help) {
		process.stdout.write(`${usage}\n`);
		return null;
	}
	return values;
}
