'use strict';
/**
 * Lets plain `node` scripts (the benchmark, the fixture tools) load the package's TypeScript
 * sources without a build: `require('./compile-ts').requireTs('nodes/common/mp3.ts')`.
 * Each file is transpiled on the fly with TypeScript's own `transpileModule` (no type check,
 * CommonJS output); relative `.ts` imports inside it load the same way.
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

function compile(module, filename) {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		fileName: filename,
		compilerOptions: {
			module: ts.ModuleKind.CommonJS,
			target: ts.ScriptTarget.ES2022,
			esModuleInterop: true,
			sourceMap: false,
		},
	});
	module._compile(outputText, filename);
}

if (!require.extensions['.ts']) require.extensions['.ts'] = compile;

/**
 * Loads a TypeScript module given a path relative to the repository root (or absolute).
 * @param {string} file e.g. `nodes/common/mp3.ts`
 */
function requireTs(file) {
	return require(path.resolve(REPO_ROOT, file));
}

module.exports = { requireTs, REPO_ROOT };
