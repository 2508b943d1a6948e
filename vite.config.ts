/// <reference types="vitest/config" />
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
	plugins: [sveltekit()],
	test: {
		include: [
			'src/**/*.test.ts',
			'tests/unit/**/*.test.ts',
			'data-pipelines/**/*.test.ts',
			'bench/**/*.test.ts'
		],
		environment: 'node',
		testTimeout: 60_000,
		hookTimeout: 60_000
	}
});
