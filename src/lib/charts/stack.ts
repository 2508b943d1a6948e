/** Stacking for stacked and diverging bar charts (layers/StackedBars.svg.svelte). */

export interface Stacked {
	x: string | number;
	segments: { key: string; y0: number; y1: number }[];
}

/**
 * Stacks each row's values for `keys` in order: positive values upwards from zero, negative
 * values downwards from zero (a diverging chart: flows in above, flows out below).
 */
export function stackRows<Row>(
	rows: readonly Row[],
	x: (row: Row) => string | number,
	keys: readonly string[],
	value: (row: Row, key: string) => number
): Stacked[] {
	return rows.map((row) => {
		let up = 0;
		let down = 0;
		const segments = keys.map((key) => {
			const v = value(row, key);
			if (v >= 0) {
				const y0 = up;
				up += v;
				return { key, y0, y1: up };
			}
			const y0 = down;
			down += v;
			return { key, y0, y1: down };
		});
		return { x: x(row), segments };
	});
}

/** The lowest and highest a stack reaches (0 included). */
export function stackExtent(stacks: readonly Stacked[]): [number, number] {
	let min = 0;
	let max = 0;
	for (const s of stacks)
		for (const { y0, y1 } of s.segments) {
			min = Math.min(min, y0, y1);
			max = Math.max(max, y0, y1);
		}
	return [min, max];
}

/** The height a bar list of `rows` bars needs: 26 px a bar and room for the target's label. */
export function barListHeight(rows: number): number {
	return Math.max(120, 32 + 26 * rows);
}
