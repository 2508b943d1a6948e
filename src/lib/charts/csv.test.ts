import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('toCsv', () => {
	it('toCsv quotes commas, quotes and line breaks, and leaves numbers raw', () => {
		const csv = toCsv(
			[
				{ key: 'name', label: 'Name, full' },
				{ key: 'n', label: 'Count' }
			],
			[
				{ name: 'Say "hi"', n: 1234.5 },
				{ name: 'two\nlines', n: null }
			]
		);
		expect(csv).toBe('"Name, full",Count\r\n"Say ""hi""",1234.5\r\n"two\nlines",\r\n');
	});
});
