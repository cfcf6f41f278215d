/**
 * The real-n8n end-to-end run (`npm run e2e`): test/e2e/*.test.ts against n8n 2.x processes.
 * Run in band: the tests share one cached n8n install and start n8n servers on free ports.
 * The first run installs n8n into the cache (~5 min), hence the long timeouts.
 */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	testTimeout: 10 * 60 * 1000,
	verbose: true,
};
