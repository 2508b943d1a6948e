import { describe, expect, it } from 'vitest';
import { DamagedFileError, VersionGoneError } from '../dataset/published.ts';
import { parquetFailure } from './dataset.ts';

const FILE = 'aggregates/clock_flows_weekly_national.parquet';
const failed = (message: string, status?: number) => Object.assign(new Error(message), { status });

describe('parquetFailure', () => {
	it("parquetFailure(file, the decoder's own error) says the file is damaged, in plain words", () => {
		const error = parquetFailure(FILE, failed('thrift unhandled type: 10'));
		expect(error).toBeInstanceOf(DamagedFileError);
		expect(error.message).toBe(
			`The dataset file ${FILE} could not be read: it is damaged or is not a Parquet file (thrift unhandled type: 10). No figure is drawn from it: publish the dataset again (npm run pipeline).`
		);
	});
	it("parquetFailure(file, a 503) keeps the server's words, which name the file", () => {
		const said = `The dataset file ${FILE} is missing from the dataset folder. No figure is drawn from it: publish the dataset again (npm run pipeline).`;
		const error = parquetFailure(FILE, failed(said, 503));
		expect(error).toBeInstanceOf(DamagedFileError);
		expect(error.message).toBe(said);
	});
	it('parquetFailure(file, a 404) is a version gone; no answer is said as such', () => {
		expect(parquetFailure(FILE, failed('', 404))).toBeInstanceOf(VersionGoneError);
		expect(parquetFailure(FILE, failed('the server did not answer', 0)).message).toMatch(
			/The server did not answer/
		);
	});
});
