/**
 * Reference data for the dashboard: names for the treatment function, provider and commissioner
 * codes in the data, from lookup files shipped in `data-pipelines/reference/`, a synthetic world's
 * `world.json` and an ODS extract the user supplies; and how complete the optional patient
 * attributes are. Both are written beside the manifest (`reference.json`, `quality.json`) so the
 * dashboard shows names and completeness offline.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../lib/duckdb.ts';
import { openDb } from '../lib/duckdb.ts';
import { UserError } from '../lib/errors.ts';
import { sqlString } from '../../src/lib/metrics/sql.ts';
import {
	COMPLETENESS_FIELDS,
	type CompletenessCounts,
	type CompletenessField,
	type QualityFile,
	type ReferenceFile,
	type ReferenceKind
} from '../../src/lib/reference/files.ts';

export type OrganisationType = 'provider' | 'commissioner' | 'practice';

export interface Organisation {
	name: string;
	type?: OrganisationType;
}

/** Names by code. Organisation codes are unique across ODS types, so one map holds them all. */
export interface Reference {
	specialties: Map<string, string>;
	organisations: Map<string, Organisation>;
	/** Where the names came from, in the order applied (later sources win). */
	sources: string[];
}

/** The codes present in the published data, by kind. */
export type CodesInData = Record<ReferenceKind, readonly string[]>;

const SHIPPED = fileURLToPath(new URL('../reference/', import.meta.url));
export const TREATMENT_FUNCTIONS_FILE = join(SHIPPED, 'treatment-functions.csv');
export const DEMO_ORGANISATIONS_FILE = join(SHIPPED, 'organisations.csv');

const TYPES: readonly OrganisationType[] = ['provider', 'commissioner', 'practice'];
/** Acronyms kept in capitals when an ODS name in capitals is tidied. */
const ACRONYMS = new Set(['NHS', 'ICB', 'CCG', 'PCN', 'GP', 'UK', 'HM', 'II', 'III', 'IV', 'CIC']);
const SMALL_WORDS = new Set(['and', 'of', 'the', 'for', 'in', 'on', 'at', 'upon', 'with', 'by']);

/**
 * An ODS name as people write it: ODS publishes names in capitals (`DORSET COUNTY HOSPITAL NHS
 * FOUNDATION TRUST`), which read badly in a dashboard. Names already in mixed case are kept.
 */
export function tidyName(name: string): string {
	const trimmed = name.trim().replace(/\s+/g, ' ');
	if (trimmed !== trimmed.toUpperCase() || !/[A-Z]/.test(trimmed)) return trimmed;
	return trimmed
		.split(' ')
		.map((word, i) => {
			if (ACRONYMS.has(word) || /\d/.test(word)) return word;
			const lower = word.toLowerCase();
			if (i > 0 && SMALL_WORDS.has(lower)) return lower;
			// Capitalise each part of KING'S, SOUTH-WEST, (WESTMOOR)
			return lower.replace(
				/(^|[-(/])([a-z])/g,
				(_, before: string, c: string) => before + c.toUpperCase()
			);
		})
		.join(' ');
}

const CODE = /^[A-Z0-9]{3,6}$/;

interface CsvRow {
	code: string;
	name: string;
	type?: OrganisationType;
}

/**
 * Reads a lookup CSV: either with a header naming `code` and `name` columns (and optionally
 * `type`), or headerless as NHS ODS extracts are (`etr.csv`, `epraccur.csv`: column 1 the code,
 * column 2 the name). DuckDB parses the CSV (quoting, line endings, a byte order mark).
 */
export async function readLookupCsv(path: string, what: string): Promise<CsvRow[]> {
	const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
		throw new UserError(`${what} "${path}" cannot be read (${error.code ?? error.message})`);
	});
	if (!info.isFile()) throw new UserError(`${what} "${path}" is not a file`);
	const db = await openDb({ threads: 1, memoryLimit: '256MB' });
	let rows: string[][];
	try {
		const result = await db.connection.runAndReadAll(
			`SELECT * FROM read_csv(${sqlString(path)}, header = false, all_varchar = true, delim = ',', quote = '"', escape = '"', null_padding = true)`
		);
		rows = result.getRows().map((row) => row.map((v) => (v === null ? '' : String(v).trim())));
	} catch (error) {
		throw new UserError(
			`${what} "${path}" is not a readable CSV: ${(error as Error).message.split('\n')[0]}`
		);
	} finally {
		db.close();
	}
	if (rows.length === 0) return [];
	const header = rows[0].map((h) => h.toLowerCase().replace(/^\ufeff/, ''));
	const hasHeader = /code$/.test(header[0]) || header.includes('code');
	let codeAt = 0;
	let nameAt = 1;
	let typeAt = -1;
	if (hasHeader) {
		codeAt = header.findIndex((h) => h === 'code' || /code$/.test(h));
		nameAt = header.findIndex((h) => h === 'name' || /name$/.test(h));
		typeAt = header.findIndex((h) => h === 'type' || h === 'kind');
		if (nameAt < 0) {
			throw new UserError(
				`${what} "${path}" has a header but no name column: expected columns code,name (and optionally type)`
			);
		}
	} else if (rows[0].length < 2) {
		throw new UserError(`${what} "${path}" has one column: expected code,name`);
	}
	const out: CsvRow[] = [];
	for (const row of hasHeader ? rows.slice(1) : rows) {
		const code = (row[codeAt] ?? '').toUpperCase();
		const name = tidyName(row[nameAt] ?? '');
		if (!code || !name) continue;
		const type = typeAt >= 0 ? (row[typeAt] ?? '').toLowerCase() : '';
		out.push({
			code,
			name,
			type: TYPES.includes(type as OrganisationType) ? (type as OrganisationType) : undefined
		});
	}
	return out;
}

interface WorldJson {
	providers?: { code: string; name: string }[];
	commissioners?: { code: string; name: string }[];
	practices?: { code: string; name: string }[];
	specialties?: { code: string; name: string }[];
}

/** Names from a synthetic world's `world.json` (data-pipelines/generate); null if there is none. */
export async function readWorldJson(path: string): Promise<WorldJson | null> {
	const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
		if (error.code === 'ENOENT') return null;
		throw new UserError(`the world file "${path}" cannot be read (${error.code})`);
	});
	if (text === null) return null;
	try {
		const world = JSON.parse(text) as WorldJson;
		if (world && typeof world === 'object') return world;
	} catch {
		// fall through to the error below
	}
	throw new UserError(`the world file "${path}" is not valid JSON: generate it again`);
}

/** `world.json` beside the input: in the input folder, or beside the input file. */
export async function worldFileBeside(input: string): Promise<string | undefined> {
	const info = await stat(input).catch(() => null);
	if (!info) return undefined;
	const candidate = join(info.isDirectory() ? input : dirname(input), 'world.json');
	return (await stat(candidate).catch(() => null))?.isFile() ? candidate : undefined;
}

export interface ReferenceOptions {
	/**
	 * The user's organisation names: a CSV with `code,name[,type]`, or an NHS ODS extract
	 * (headerless, code and name first). When given, the shipped demo organisations are not used:
	 * they are fictional names on real-looking codes and must never label real data.
	 */
	organisationsFile?: string;
	/** A synthetic world's `world.json`; ignored when the file does not exist. */
	worldFile?: string;
}

/**
 * Names for codes, from (later wins): the NHS Data Dictionary treatment functions shipped in
 * `data-pipelines/reference/`; for organisations, the demo world's names shipped there unless the
 * user gave their own; the world's `world.json` when present (its specialty names only fill codes
 * the Data Dictionary list lacks); then the user's organisations file.
 */
export async function loadReference(options: ReferenceOptions = {}): Promise<Reference> {
	const reference: Reference = { specialties: new Map(), organisations: new Map(), sources: [] };
	for (const row of await readLookupCsv(TREATMENT_FUNCTIONS_FILE, 'the treatment function list')) {
		reference.specialties.set(row.code, row.name);
	}
	reference.sources.push('NHS Data Dictionary treatment function codes');
	if (!options.organisationsFile) {
		for (const row of await readLookupCsv(DEMO_ORGANISATIONS_FILE, 'the demo organisations')) {
			reference.organisations.set(row.code, { name: row.name, type: row.type });
		}
		reference.sources.push('demo organisations (fictional)');
	}
	const world = options.worldFile ? await readWorldJson(options.worldFile) : null;
	if (world) {
		const add = (list: { code: string; name: string }[] | undefined, type: OrganisationType) => {
			for (const o of list ?? []) {
				if (typeof o?.code === 'string' && typeof o.name === 'string')
					reference.organisations.set(o.code.toUpperCase(), { name: o.name, type });
			}
		};
		add(world.providers, 'provider');
		add(world.commissioners, 'commissioner');
		add(world.practices, 'practice');
		for (const s of world.specialties ?? []) {
			if (
				typeof s?.code === 'string' &&
				typeof s.name === 'string' &&
				!reference.specialties.has(s.code)
			)
				reference.specialties.set(s.code, s.name);
		}
		reference.sources.push('world.json (synthetic world)');
	}
	if (options.organisationsFile) {
		const rows = await readLookupCsv(options.organisationsFile, '--organisations');
		const bad = rows.find((r) => !CODE.test(r.code));
		if (bad) {
			throw new UserError(
				`--organisations "${options.organisationsFile}": "${bad.code}" is not an ODS code (3 to 6 letters and digits); is column 1 the code and column 2 the name?`
			);
		}
		for (const row of rows)
			reference.organisations.set(row.code, { name: row.name, type: row.type });
		reference.sources.push('organisations file');
	}
	return reference;
}

const KIND_COLUMN: Record<ReferenceKind, string> = {
	specialties: 'specialty_code',
	providers: 'provider_code',
	commissioners: 'commissioner_code'
};

/** The distinct codes of each kind in the modelled `pathways` and `appointments` tables. */
export async function codesInData(db: Db): Promise<CodesInData> {
	const codes = async (column: string) => {
		const rows = await db.all(`SELECT ${column} AS code FROM pathways WHERE ${column} IS NOT NULL
UNION
SELECT ${column} AS code FROM appointments WHERE ${column} IS NOT NULL
ORDER BY code`);
		return rows.map((r) => String(r.code));
	};
	return {
		specialties: await codes(KIND_COLUMN.specialties),
		providers: await codes(KIND_COLUMN.providers),
		commissioners: await codes(KIND_COLUMN.commissioners)
	};
}

/** Names for the given codes, sorted by code; codes without a name are left out. */
export function referenceFor(reference: Reference, codes: CodesInData): ReferenceFile {
	const named = (list: readonly string[], lookup: (code: string) => string | undefined) =>
		Object.fromEntries(
			[...new Set(list)]
				.sort()
				.map((code) => [code, lookup(code)] as const)
				.filter((entry): entry is readonly [string, string] => Boolean(entry[1]))
		);
	const organisation = (code: string) => reference.organisations.get(code)?.name;
	return {
		specialties: named(codes.specialties, (code) => reference.specialties.get(code)),
		providers: named(codes.providers, organisation),
		commissioners: named(codes.commissioners, organisation),
		sources: [...reference.sources]
	};
}

/**
 * Writes `reference.json` into the dataset folder `dir`, naming only the codes present in the data
 * (a national ODS file holds thousands of organisations; the dashboard needs a handful).
 */
export async function writeReference(
	dir: string,
	reference: Reference,
	codes: CodesInData
): Promise<ReferenceFile> {
	const file = referenceFor(reference, codes);
	await writeFile(join(dir, 'reference.json'), `${JSON.stringify(file, null, 2)}\n`);
	return file;
}

/** SQL conditions for "known" (docs/definitions.md "Fairness": ethnicity Z is "not stated", so not recorded). */
const KNOWN: Record<CompletenessField, string> = {
	ethnicity: `ethnicity IS NOT NULL AND ethnicity NOT IN ('unknown', 'Z')`,
	imdDecile: `imd_decile IS NOT NULL`,
	sex: `sex IS NOT NULL AND sex <> 'unknown'`,
	ageBand: `age_band IS NOT NULL`
};

/**
 * How many pathways (one per referral received) have each optional patient attribute known,
 * overall and by provider. Plain SQL over the modelled `pathways` table.
 */
export async function completeness(db: Db): Promise<QualityFile['completeness']> {
	const rows = await db.all(`SELECT provider_code,
  CAST(COUNT(*) AS DOUBLE) AS pathways,
  ${COMPLETENESS_FIELDS.map((f) => `CAST(SUM(CASE WHEN ${KNOWN[f]} THEN 1 ELSE 0 END) AS DOUBLE) AS ${snake(f)}`).join(',\n  ')}
FROM pathways
GROUP BY provider_code
ORDER BY provider_code`);
	const zero = () =>
		Object.fromEntries(COMPLETENESS_FIELDS.map((f) => [f, 0])) as Record<CompletenessField, number>;
	const total: CompletenessCounts = { pathways: 0, known: zero() };
	const byProvider = rows.map((row) => {
		const counts: CompletenessCounts & { provider: string } = {
			provider: String(row.provider_code),
			pathways: Number(row.pathways),
			known: zero()
		};
		total.pathways += counts.pathways;
		for (const f of COMPLETENESS_FIELDS) {
			counts.known[f] = Number(row[snake(f)]);
			total.known[f] += counts.known[f];
		}
		return counts;
	});
	return { ...total, byProvider };
}

function snake(field: string): string {
	return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Writes `quality.json` into the dataset folder `dir`. */
export async function writeQuality(
	dir: string,
	counts: QualityFile['completeness']
): Promise<QualityFile> {
	const file: QualityFile = { completeness: counts };
	await writeFile(join(dir, 'quality.json'), `${JSON.stringify(file, null, 2)}\n`);
	return file;
}
