// `npm run scan`: n8n's verification scanner (@n8n/scan-community-package) on this repository,
// with the scanner's own ESLint configuration, on the local source and on a locally packed
// tarball. Nothing is downloaded from the npm registry.
//
// The scanner (scanner/scanner.mjs, analyzePackageByName) checks a published package in three
// steps: npm provenance, then `analyzePackage` on the source checkout the provenance points at
// (files: SOURCE_FILE_PATTERNS, i.e. package.json and {nodes,credentials}/**/*.{js,ts,json}), then
// `analyzePackage` on the unpacked npm tarball (files: **/*.js and package.json). This script
// runs the same two `analyzePackage` calls on
//   (a) this working tree, and
//   (b) the tarball `npm pack` makes from it (which runs the prepack script: build + check),
// and also checks the tarball's file list (scripts/check-package.mjs). Provenance exists only for
// a package published from GitHub Actions (.github/workflows/release.yml) and cannot be checked
// locally. Exit code 1 when the scanner finds anything or the tarball is incomplete.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, checkPackedFiles } from './check-package.mjs';

const require = createRequire(import.meta.url);
const scannerPath = require.resolve('@n8n/scan-community-package/scanner/scanner.mjs');
const scannerVersion = require('@n8n/scan-community-package/package.json').version;
// The scanner makes a temp folder when it is imported (tmp.dirSync) and only removes it at exit
// when tmp's graceful cleanup is on: turn it on in the scanner's own copy of tmp first.
createRequire(scannerPath)('tmp').setGracefulCleanup();
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(scannerPath);
const glob = createRequire(scannerPath)('fast-glob');

/** File patterns of the scanner's tarball leg (scanner.mjs, analyzePackageByName). */
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

/** The environment without `npm_*` variables, so that the repository's own .npmrc applies to child npm calls. */
function cleanEnv() {
	return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

/** Runs a command; throws with its output when it fails. */
function run(command, args, cwd) {
	const result = spawnSync(command, args, { cwd, env: cleanEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
	}
	return result;
}

/** Runs the scanner's `analyzePackage` on `dir` and prints what it found; returns whether it passed. */
async function scan(label, dir, patterns) {
	const files = glob.sync(patterns, { cwd: dir, ignore: ['node_modules/**', '**/package-lock.json'] });
	const result = await analyzePackage(dir, patterns);
	const verdict = result.passed ? 'no findings' : `FAILED: ${result.message}`;
	console.log(`${result.passed ? '✓' : '✗'} ${label}: ${files.length} files (${patterns.join(', ')}): ${verdict}`);
	if (result.details) console.log(result.details.replaceAll(dir, '<package>'));
	return result.passed;
}

console.log(`@n8n/scan-community-package ${scannerVersion}, analyzePackage with the scanner's own ESLint config`);
let passed = await scan('source (working tree)', REPO_ROOT, SOURCE_FILE_PATTERNS);

const work = mkdtempSync(join(tmpdir(), 'cn-speech-scan-'));
try {
	console.log('npm pack (runs prepack: n8n-node build, then scripts/check-package.mjs) …');
	run('npm', ['pack', '--silent', `--pack-destination=${work}`], REPO_ROOT);
	const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
	if (!tarball) throw new Error(`npm pack wrote no .tgz into ${work}`);
	const files = run('tar', ['-tzf', join(work, tarball)], work)
		.stdout.split('\n')
		.filter((line) => line && !line.endsWith('/'))
		.map((line) => line.replace(/^package\//, ''))
		.sort();
	const problems = checkPackedFiles(files);
	console.log(`${problems.length === 0 ? '✓' : '✗'} tarball ${tarball}: ${files.length} files${problems.length === 0 ? ', contents as expected' : ''}`);
	for (const problem of problems) console.log(`  - ${problem}`);
	passed &&= problems.length === 0;

	const unpacked = join(work, 'package');
	mkdirSync(unpacked);
	run('tar', ['-xzf', join(work, tarball), '-C', unpacked, '--strip-components=1'], work);
	passed = (await scan(`tarball ${tarball}`, unpacked, TARBALL_FILE_PATTERNS)) && passed;
} finally {
	rmSync(work, { recursive: true, force: true });
}

if (!passed) {
	console.log('Not publishable as it is: fix the findings above (n8n\'s scanner, or the tarball\'s contents).');
	process.exit(1);
}
