// `npm run lint:n8n-node`: `n8n-node lint` (@n8n/node-cli) on the package's own sources.
//
// `n8n-node lint` runs `eslint .` with eslint.config.mjs, and with "strict": true in package.json
// it refuses any eslint.config.mjs that differs from the one it generates
// (`import { config } from '@n8n/node-cli/eslint'; export default config;`). That config has no
// way to leave out test/ and the tooling, whose test code legitimately uses what community nodes
// may not (process, setTimeout, node: modules, fixed test secrets). n8n's verification scanner
// describes n8n-node lint's scope as "the shippable node/credential sources plus package.json"
// (@n8n/scan-community-package, scanner/scanner.mjs, SOURCE_FILE_PATTERNS).
//
// So this runs the unmodified CLI, with the unmodified eslint.config.mjs and "strict": true, in a
// temporary folder holding exactly that scope: package.json, eslint.config.mjs, tsconfig.json,
// nodes/, credentials/ and icons/ (copies), and node_modules (a link to this repository's).
// Reported paths are mapped back to this repository. Exit code: n8n-node lint's.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './check-package.mjs';

/** What the scope of `n8n-node lint` is made of (see above). */
const COPIED = ['package.json', 'eslint.config.mjs', 'tsconfig.json', 'nodes', 'credentials', 'icons'];

// the package's "exports" hide package.json and bin/: take the installed folder
const cli = join(REPO_ROOT, 'node_modules', '@n8n', 'node-cli', 'bin', 'n8n-node.mjs');
if (!existsSync(cli)) {
	console.error(`${cli} is missing: run "npm ci" first (@n8n/node-cli is a devDependency)`);
	process.exit(1);
}
const stage = mkdtempSync(join(tmpdir(), 'cn-speech-n8n-node-lint-'));

/** Counts the .ts files below a folder (to show what was linted). */
function countTs(dir) {
	return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).length;
}

let exitCode = 1;
try {
	for (const entry of COPIED) cpSync(join(REPO_ROOT, entry), join(stage, entry), { recursive: true });
	symlinkSync(join(REPO_ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir');
	console.log(`n8n-node lint on package.json and ${countTs(join(stage, 'nodes')) + countTs(join(stage, 'credentials'))} .ts files of nodes/ and credentials/ (unmodified eslint.config.mjs, strict mode)`);
	exitCode = await new Promise((resolvePromise, reject) => {
		const child = spawn(process.execPath, [cli, 'lint'], { cwd: stage, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
		// whole lines, so that a path split across two chunks is still mapped back
		const relay = (stream, target) => {
			let rest = '';
			stream.on('data', (chunk) => {
				const lines = (rest + chunk.toString('utf8')).split('\n');
				rest = lines.pop() ?? '';
				if (lines.length > 0) target.write(`${lines.join('\n').replaceAll(stage, REPO_ROOT)}\n`);
			});
			stream.on('end', () => rest && target.write(rest.replaceAll(stage, REPO_ROOT)));
		};
		relay(child.stdout, process.stdout);
		relay(child.stderr, process.stderr);
		child.on('error', reject);
		child.on('close', (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)));
	});
} finally {
	rmSync(stage, { recursive: true, force: true });
}
process.exit(exitCode);
