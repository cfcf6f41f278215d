'use strict';
/**
 * Entry point of `npm run bench`: runs every `*.bench.js` in this folder with plain Node (no
 * build needed: TypeScript sources are transpiled on the fly by compile-ts.js). Benchmarks
 * report figures; they assert nothing about time.
 */
const fs = require('node:fs');
const path = require('node:path');

const only = process.argv[2];
const benches = fs
	.readdirSync(__dirname)
	.filter((file) => file.endsWith('.bench.js') && (!only || file.startsWith(only)))
	.sort();
if (benches.length === 0) {
	console.error(`no benchmark matches ${only}`);
	process.exitCode = 1;
}
for (const file of benches) {
	console.log(`\n== ${file}`);
	require(path.join(__dirname, file)).run();
}
