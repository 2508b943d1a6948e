import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../data-pipelines/lib/duckdb.ts';
import { UserError } from '../../data-pipelines/lib/errors.ts';
import {
	codesInData,
	completeness,
	DEMO_ORGANISATIONS_FILE,
	loadReference,
	readLookupCsv,
	TREATMENT_FUNCTIONS_FILE,
	tidyName,
	worldFileBeside,
	writeQuality,
	writeReference
} from '../../data-pipelines/pipeline/reference.ts';
import type { RunReport } from '../../data-pipelines/pipeline/report.ts';
import { OPTIONAL_CHECKS, ROW_RULES } from '../../data-pipelines/pipeline/validate.ts';
import type { RunReportFile } from '../../src/lib/reference/files.ts';
import {
	percentOf,
	reconciles,
	reconciliationText
} from '../../src/routes/data-quality/figures.ts';
import { describesWarning, RULE_MEANINGS } from '../../src/routes/data-quality/rule-meanings.ts';

let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'reference-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, text: string): Promise<string> {
	const path = join(dir, name);
	await writeFile(path, text);
	return path;
}

describe('shipped reference files', () => {
	it('treatment-functions.csv holds unique 3-digit codes with names', async () => {
		const rows = await readLookupCsv(TREATMENT_FUNCTIONS_FILE, 'test');
		expect(rows.length).toBeGreaterThan(40);
		for (const r of rows) expect(r.code, r.name).toMatch(/^\d{3}$/);
		expect(new Set(rows.map((r) => r.code)).size).toBe(rows.length);
		const names = Object.fromEntries(rows.map((r) => [r.code, r.name]));
		expect(names).toMatchObject({
			'100': 'General Surgery',
			'101': 'Urology',
			'110': 'Trauma and Orthopaedics',
			'120': 'Ear Nose and Throat',
			'130': 'Ophthalmology',
			'300': 'General Internal Medicine',
			'320': 'Cardiology',
			'420': 'Paediatrics',
			'430': 'Geriatric Medicine',
			'502': 'Gynaecology',
			'503': 'Gynaecological Oncology'
		});
	});
	it('organisations.csv holds the demo providers and commissioners with their types', async () => {
		const rows = await readLookupCsv(DEMO_ORGANISATIONS_FILE, 'test');
		const types = Object.fromEntries(rows.map((r) => [r.code, r.type]));
		for (const code of ['R0A', 'RBD', 'RK9', 'RTH']) expect(types[code], code).toBe('provider');
		for (const code of ['15N', '11J', '92G']) expect(types[code], code).toBe('commissioner');
	});
});

describe('tidyName', () => {
	it.each([
		['DORSET COUNTY HOSPITAL NHS FOUNDATION TRUST', 'Dorset County Hospital NHS Foundation Trust'],
		[
			"KING'S COLLEGE HOSPITAL NHS FOUNDATION TRUST",
			"King's College Hospital NHS Foundation Trust"
		],
		['NHS DORSET ICB - 11J', 'NHS Dorset ICB - 11J'],
		['THE ROYAL WOLVERHAMPTON NHS TRUST', 'The Royal Wolverhampton NHS Trust'],
		['BARTS HEALTH NHS TRUST', 'Barts Health NHS Trust'],
		['STOKE-ON-TRENT AND NORTH STAFFS', 'Stoke-On-Trent and North Staffs'],
		['Westmoor Hospitals NHS Trust', 'Westmoor Hospitals NHS Trust'],
		['  two  spaces ', 'two spaces']
	])('tidyName(%j) is %j', (input, expected) => {
		expect(tidyName(input)).toBe(expected);
	});
});

describe('loadReference', () => {
	it('loadReference() names treatment functions and the demo organisations', async () => {
		const reference = await loadReference();
		expect(reference.specialties.get('110')).toBe('Trauma and Orthopaedics');
		expect(reference.organisations.get('RBD')).toEqual({
			name: 'Westmoor Hospitals NHS Trust',
			type: 'provider'
		});
		expect(reference.organisations.get('15N')?.type).toBe('commissioner');
		expect(reference.sources).toEqual([
			'NHS Data Dictionary treatment function codes',
			'demo organisations (fictional)'
		]);
	});

	it('loadReference({ worldFile }) adds the world’s names; specialty names only fill gaps', async () => {
		const worldFile = await file(
			'world.json',
			JSON.stringify({
				providers: [{ code: 'RBD', name: 'Renamed Hospitals NHS Trust', kind: 'acute' }],
				commissioners: [{ code: '99X', name: 'NHS Elsewhere ICB - 99X' }],
				practices: [{ code: 'L83001', name: 'The Ashford Surgery' }],
				specialties: [
					{ code: '120', name: 'Ear, Nose and Throat' },
					{ code: '999', name: 'Made-up Service' }
				]
			})
		);
		const reference = await loadReference({ worldFile });
		expect(reference.organisations.get('RBD')?.name).toBe('Renamed Hospitals NHS Trust');
		expect(reference.organisations.get('99X')).toEqual({
			name: 'NHS Elsewhere ICB - 99X',
			type: 'commissioner'
		});
		expect(reference.organisations.get('L83001')?.type).toBe('practice');
		expect(reference.organisations.get('R0A')?.name).toMatch(/Northfield/);
		expect(reference.specialties.get('120')).toBe('Ear Nose and Throat');
		expect(reference.specialties.get('999')).toBe('Made-up Service');
		expect(reference.sources.at(-1)).toBe('world.json (synthetic world)');
	});

	it('loadReference({ worldFile }) ignores a world file that does not exist', async () => {
		const reference = await loadReference({ worldFile: join(dir, 'nowhere', 'world.json') });
		expect(reference.sources).not.toContain('world.json (synthetic world)');
	});

	it('loadReference({ worldFile }) rejects a world file that is not JSON, naming it', async () => {
		const worldFile = await file('broken-world.json', '{ not json');
		await expect(loadReference({ worldFile })).rejects.toThrow(
			/broken-world\.json.*not valid JSON/
		);
	});

	it('loadReference({ organisationsFile }) reads code,name,type and drops the demo names', async () => {
		const organisationsFile = await file(
			'orgs.csv',
			'code,name,type\nrbd,Dorset County Hospital NHS Foundation Trust,provider\n11J,"NHS Dorset ICB - 11J",commissioner\n\n'
		);
		const reference = await loadReference({ organisationsFile });
		expect(reference.organisations.get('RBD')).toEqual({
			name: 'Dorset County Hospital NHS Foundation Trust',
			type: 'provider'
		});
		expect(reference.organisations.get('11J')?.name).toBe('NHS Dorset ICB - 11J');
		// The demo world's fictional names never label a user's own data.
		expect(reference.organisations.has('R0A')).toBe(false);
		expect(reference.organisations.has('15N')).toBe(false);
		expect(reference.sources).toEqual([
			'NHS Data Dictionary treatment function codes',
			'organisations file'
		]);
	});

	it('loadReference({ organisationsFile }) reads an ODS etr-style extract: no header, code and name first', async () => {
		const organisationsFile = await file(
			'etr.csv',
			[
				'"RBD","DORSET COUNTY HOSPITAL NHS FOUNDATION TRUST","Y58","QVV","WILLIAMS AVENUE","","DORCHESTER","","DORSET","DT1 2JY","19920401","","","","",""',
				'"RK9","UNIVERSITY HOSPITALS PLYMOUTH NHS TRUST","Y58","QJK","DERRIFORD ROAD","CROWNHILL","PLYMOUTH","","DEVON","PL6 8DH","19930401","","","","",""'
			].join('\r\n')
		);
		const reference = await loadReference({ organisationsFile });
		expect(reference.organisations.get('RBD')).toEqual({
			name: 'Dorset County Hospital NHS Foundation Trust',
			type: undefined
		});
		expect(reference.organisations.get('RK9')?.name).toBe(
			'University Hospitals Plymouth NHS Trust'
		);
	});

	it('loadReference({ organisationsFile }) says what is wrong with a file it cannot use', async () => {
		await expect(loadReference({ organisationsFile: join(dir, 'missing.csv') })).rejects.toThrow(
			UserError
		);
		await expect(loadReference({ organisationsFile: join(dir, 'missing.csv') })).rejects.toThrow(
			/--organisations ".*missing\.csv" cannot be read \(ENOENT\)/
		);
		const oneColumn = await file('one-column.csv', 'RBD\nRK9\n');
		await expect(loadReference({ organisationsFile: oneColumn })).rejects.toThrow(
			/one column: expected code,name/
		);
		const swapped = await file('swapped.csv', '"Dorset County Hospital",RBD\n');
		await expect(loadReference({ organisationsFile: swapped })).rejects.toThrow(
			/is not an ODS code.*column 1 the code/
		);
		const noName = await file('no-name.csv', 'code,label\nRBD,Dorset\n');
		await expect(loadReference({ organisationsFile: noName })).rejects.toThrow(/no name column/);
	});
});

describe('worldFileBeside', () => {
	it('worldFileBeside(input) finds world.json in the input folder or beside the input file', async () => {
		const events = join(dir, 'events');
		await mkdir(events, { recursive: true });
		await writeFile(join(events, 'events.csv'), '');
		expect(await worldFileBeside(events)).toBeUndefined();
		await writeFile(join(events, 'world.json'), '{}');
		expect(await worldFileBeside(events)).toBe(join(events, 'world.json'));
		expect(await worldFileBeside(join(events, 'events.csv'))).toBe(join(events, 'world.json'));
		expect(await worldFileBeside(join(dir, 'nowhere'))).toBeUndefined();
	});
});

describe('with modelled tables', () => {
	let db: Db;
	beforeAll(async () => {
		db = await openDb({ threads: 1 });
		// Five pathways, worked out by hand: ethnicity recorded on 2 (A, M; not Z, unknown or
		// missing), IMD known on 3, sex known on 3 (other counts, unknown does not), age band on 4.
		await db.run(`CREATE TABLE pathways AS SELECT * FROM (VALUES
  ('RBD', '15N', '110', 'A',       CAST(1 AS TINYINT),    'female',  '18-24'),
  ('RBD', '15N', '120', 'Z',       CAST(10 AS TINYINT),   'male',    '85+'),
  ('RBD', '11J', '110', 'unknown', CAST(NULL AS TINYINT), 'unknown', NULL),
  ('R0A', '11J', '999', 'M',       CAST(5 AS TINYINT),    'other',   '0-17'),
  ('R0A', '11J', '110', NULL,      CAST(NULL AS TINYINT), NULL,      '45-54')
) AS t(provider_code, commissioner_code, specialty_code, ethnicity, imd_decile, sex, age_band)`);
		await db.run(`CREATE TABLE appointments AS SELECT * FROM (VALUES
  ('ZZZ', '15N', '330'),
  ('RBD', NULL, '110')
) AS t(provider_code, commissioner_code, specialty_code)`);
	});
	afterAll(() => db.close());

	it('codesInData(db) lists each kind of code in pathways and appointments once', async () => {
		expect(await codesInData(db)).toEqual({
			specialties: ['110', '120', '330', '999'],
			providers: ['R0A', 'RBD', 'ZZZ'],
			commissioners: ['11J', '15N']
		});
	});

	it('writeReference(dir, reference, codes) writes names for the codes in the data only', async () => {
		const out = join(dir, 'dataset');
		await mkdir(out, { recursive: true });
		const reference = await loadReference();
		const written = await writeReference(out, reference, await codesInData(db));
		const file = JSON.parse(await readFile(join(out, 'reference.json'), 'utf8'));
		expect(file).toEqual(written);
		expect(file.specialties).toEqual({
			'110': 'Trauma and Orthopaedics',
			'120': 'Ear Nose and Throat',
			'330': 'Dermatology'
		});
		expect(Object.keys(file.providers)).toEqual(['R0A', 'RBD']);
		expect(file.providers.ZZZ).toBeUndefined();
		expect(Object.keys(file.commissioners)).toEqual(['11J', '15N']);
		expect(file.sources).toEqual(reference.sources);
	});

	it('completeness(db) counts pathways with each attribute known, overall and by provider', async () => {
		const counts = await completeness(db);
		expect(counts).toEqual({
			pathways: 5,
			known: { ethnicity: 2, imdDecile: 3, sex: 3, ageBand: 4 },
			byProvider: [
				{ provider: 'R0A', pathways: 2, known: { ethnicity: 1, imdDecile: 1, sex: 1, ageBand: 2 } },
				{ provider: 'RBD', pathways: 3, known: { ethnicity: 1, imdDecile: 2, sex: 2, ageBand: 2 } }
			]
		});
		const out = join(dir, 'dataset');
		await mkdir(out, { recursive: true });
		await writeQuality(out, counts);
		expect(JSON.parse(await readFile(join(out, 'quality.json'), 'utf8'))).toEqual({
			completeness: counts
		});
	});
});

describe('the data quality page’s words and sums', () => {
	it('every quarantine rule and warning the pipeline reports has a plain-English meaning', () => {
		const rules = new Set([...ROW_RULES.map((r) => r.rule), 'conflict', 'contradiction']);
		for (const rule of rules) expect(RULE_MEANINGS[rule], rule).toBeTruthy();
		for (const { warning } of OPTIONAL_CHECKS)
			expect(describesWarning(warning), warning).toBe(true);
	});

	it('reconciles(counts) and reconciliationText(counts) show read = accepted + duplicates + quarantined', () => {
		const counts = {
			read: 48934,
			accepted: 48900,
			duplicates: 12,
			quarantined: 22,
			rules: {},
			warnings: {}
		};
		expect(reconciles(counts)).toBe(true);
		expect(reconciles({ ...counts, read: 48935 })).toBe(false);
		expect(reconciliationText(counts, (n) => n.toLocaleString('en-GB'))).toBe(
			'read = accepted + duplicates + quarantined: 48,934 = 48,900 + 12 + 22'
		);
		expect(percentOf(1, 4)).toBe(25);
		expect(percentOf(0, 0)).toBeNull();
	});

	it('the pipeline’s run report is what the page reads (RunReportFile)', () => {
		// Compile-time: svelte-check fails here if the two drift apart.
		const asRead = (report: RunReport): RunReportFile => report;
		expect(asRead).toBeTypeOf('function');
	});
});
