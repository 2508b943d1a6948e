/**
 * Local treatment functions against NHS England's published RTT statistics
 * (docs/definitions.md "Published RTT statistics"): the file reports some treatment functions
 * under their own code (`C_110`, read as specialty `110`) and gathers the rest into five groups,
 * `X02` to `X06`. A local specialty the file reports under its own code compares with that code;
 * any other with its group, which holds other treatment functions too (the page says so).
 */

/** The published groups, and what each gathers. */
export const RTT_GROUP_NAMES: Readonly<Record<string, string>> = {
	X02: 'Other – medical services',
	X03: 'Other – mental health services',
	X04: 'Other – paediatric services',
	X05: 'Other – surgical services',
	X06: 'Other – other services'
};

/**
 * The group a treatment function (three digits) falls in when the file does not report it under
 * its own code, by the Data Dictionary's ranges: paediatric services (171, 211–291, 420–422),
 * mental health (700–799), surgical (100–199), medical (300–499), and the rest other.
 */
export function rttGroup(code: string): string {
	const n = Number(code);
	if (!/^\d{3}$/.test(code)) return 'X06';
	if (n === 171 || (n >= 211 && n <= 291) || (n >= 420 && n <= 422)) return 'X04';
	if (n >= 700 && n <= 799) return 'X03';
	if (n >= 100 && n <= 199) return 'X05';
	if (n >= 300 && n <= 499) return 'X02';
	return 'X06';
}

/** How a local specialty compares with the published file. */
export interface PublishedSpecialty {
	/** The code to filter the published figures by: the specialty's own, or its group. */
	code: string;
	/** True when that is a group holding other treatment functions as well. */
	grouped: boolean;
}

/** A local specialty as the published file reports it, given the codes the file holds. */
export function publishedSpecialty(
	code: string,
	reported: ReadonlySet<string>
): PublishedSpecialty {
	if (reported.has(code)) return { code, grouped: false };
	return { code: rttGroup(code), grouped: true };
}
