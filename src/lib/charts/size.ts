/**
 * A chart's size. On the page a chart fills its frame and LayerCake measures it; a test draws
 * it on the server at a fixed size (its SVG snapshot), which LayerCake takes as these props.
 */
export interface FixedSize {
	width: number;
	height: number;
}

/** LayerCake's props for a chart drawn at `size`, or none (measured) without one. */
export function sizeProps(size?: FixedSize): {
	ssr?: boolean;
	containerWidth?: number;
	containerHeight?: number;
} {
	return size ? { ssr: true, containerWidth: size.width, containerHeight: size.height } : {};
}
