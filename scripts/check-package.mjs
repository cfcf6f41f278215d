// Checks that what `npm pack` / `npm publish` would ship is complete, and refuses otherwise.
//
// Run as the `prepack` script after the build (`npm pack` and `npm publish` run it): exits 1
// with one line per problem when dist/ is missing or incomplete, so no package without its
// compiled nodes, codex files or icons can be packed. `scripts/scan-package.mjs` also uses
// {@link checkPackedFiles} on the file list of the real tarball.
//
// What n8n needs from the package (n8n 2.40.7, packages/core/src/nodes-loader/directory-loader.ts
// on https://github.com/n8n-io/n8n): every file listed in package.json's "n8n" section, the codex
// file `<Node>.node.json` next to each compiled node, and every `file:` icon, resolved relative to
// the compiled .js file and inside the package folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Root of this repository (the folder above scripts/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Top-level files every tarball carries besides dist/ and examples/. */
const TOP_LEVEL_FILES = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'];
/** The folders of dist/ that may ship: compiled nodes and credentials, and the icons. */
const DIST_FOLDERS = ['nodes', 'credentials', 'icons'];

/** All files below `dir`, as paths relative to `base` with forward slashes. */
function listFiles(dir, base = dir) {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = join(dir, entry.name);
		return entry.isDirectory() ? listFiles(full, base) : [relative(base, full).split(sep).join('/')];
	});
}

/** package.json of the repository. */
function readManifest(root) {
	return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
}

/** Every `file:` icon path of a node description or credential (`icon` string or `{ light, dark }`). */
function fileIcons(icon) {
	const values = typeof icon === 'string' ? [icon] : icon && typeof icon === 'object' ? [icon.light, icon.dark] : [];
	return values.filter((value) => typeof value === 'string' && value.startsWith('file:')).map((value) => value.slice('file:'.length));
}

/**
 * Checks a built repository: every file of package.json's "n8n" section exists, each node has
 * its codex file, every `file:` icon of every node and credential (loaded with Node's require, as
 * n8n does) exists inside dist/, source maps carry their sources, dist/ holds only nodes/,
 * credentials/, icons/ (and the TypeScript build-info file, which package.json's "files"
 * excludes), and no dist/package.json.
 *
 * @param {string} root repository folder (default: this repository)
 * @returns {string[]} problems, one sentence each; empty when the build is complete
 */
export function checkBuild(root = REPO_ROOT) {
	const problems = [];
	const dist = join(root, 'dist');
	if (!existsSync(dist)) return ['dist/ does not exist: run "npm run build" (n8n-node build) first'];
	const manifest = readManifest(root);
	const nodes = manifest.n8n?.nodes ?? [];
	const credentials = manifest.n8n?.credentials ?? [];
	if (nodes.length === 0) problems.push('package.json lists no nodes in its "n8n" section');

	for (const file of listFiles(dist)) {
		const top = file.split('/')[0];
		if (file === 'tsconfig.tsbuildinfo') continue;
		if (!DIST_FOLDERS.includes(top)) problems.push(`dist/${file} is not part of the package (only ${DIST_FOLDERS.map((f) => `dist/${f}/`).join(', ')})`);
		if (file.endsWith('.js.map')) {
			const map = JSON.parse(readFileSync(join(dist, file), 'utf8'));
			const sources = map.sources ?? [];
			const contents = map.sourcesContent ?? [];
			if (sources.length === 0 || sources.some((_source, index) => typeof contents[index] !== 'string')) {
				problems.push(`dist/${file} points at sources it does not contain (tsconfig.json needs "inlineSources": true)`);
			}
		}
	}

	const requireFromRoot = createRequire(join(root, 'package.json'));
	const checkIcons = (file, icon, what) => {
		const paths = fileIcons(icon);
		if (paths.length === 0) problems.push(`${what} in ${file} has no file: icon`);
		for (const iconPath of paths) {
			const target = resolve(root, dirname(file), iconPath);
			if (!target.startsWith(dist + sep)) problems.push(`${what} in ${file}: icon "file:${iconPath}" resolves outside dist/ (${relative(root, target)})`);
			else if (!existsSync(target)) problems.push(`${what} in ${file}: icon "file:${iconPath}" is missing (${relative(root, target)})`);
		}
	};
	const loadClass = (file) => {
		// n8n's loader takes the export named like the file: dist/nodes/WeChat/WeChat.node.js → WeChat
		const className = file.split('/').pop().split('.')[0];
		const exported = requireFromRoot(resolve(root, file));
		if (typeof exported[className] !== 'function') throw new Error(`${file} does not export a class named ${className}`);
		return new exported[className]();
	};

	for (const file of [...nodes, ...credentials]) {
		if (!existsSync(join(root, file))) problems.push(`${file} is listed in package.json's "n8n" section but was not built`);
	}
	for (const file of nodes) {
		if (!existsSync(join(root, file))) continue;
		const codex = file.replace(/\.js$/, '.json');
		if (!existsSync(join(root, codex))) problems.push(`${codex} (codex file of ${file}) is missing`);
		try {
			const node = loadClass(file);
			const description = node.description ?? node.nodeVersions?.[node.currentVersion]?.description;
			checkIcons(file, description?.icon, `node ${description?.name ?? file}`);
		} catch (error) {
			problems.push(`${file} cannot be loaded: ${error.message}`);
		}
	}
	for (const file of credentials) {
		if (!existsSync(join(root, file))) continue;
		try {
			const credential = loadClass(file);
			checkIcons(file, credential.icon, `credential ${credential.name ?? file}`);
		} catch (error) {
			problems.push(`${file} cannot be loaded: ${error.message}`);
		}
	}
	return problems;
}

/**
 * Checks the file list of a packed tarball (paths relative to the package root, as `tar -tzf`
 * lists them without the leading `package/`): it must hold package.json, README.md, LICENSE,
 * CHANGELOG.md, every example workflow of the repository, every file of the "n8n" section with
 * its codex file, and the icons, and nothing outside dist/{nodes,credentials,icons}/ and
 * examples/ besides those top-level files.
 *
 * @param {string[]} files paths in the tarball, e.g. `dist/nodes/WeChat/WeChat.node.js`
 * @param {string} root repository folder (default: this repository)
 * @returns {string[]} problems, one sentence each; empty when the tarball is complete
 */
export function checkPackedFiles(files, root = REPO_ROOT) {
	const problems = [];
	const shipped = new Set(files);
	const manifest = readManifest(root);
	const nodes = manifest.n8n?.nodes ?? [];
	const required = [
		...TOP_LEVEL_FILES,
		...nodes,
		...nodes.map((file) => file.replace(/\.js$/, '.json')),
		...(manifest.n8n?.credentials ?? []),
		...listFiles(join(root, 'icons')).map((file) => `dist/icons/${file}`),
		...listFiles(join(root, 'examples')).map((file) => `examples/${file}`),
	];
	for (const file of required) if (!shipped.has(file)) problems.push(`the tarball lacks ${file}`);
	for (const file of files) {
		const [top, second] = file.split('/');
		const allowed =
			TOP_LEVEL_FILES.includes(file) ||
			(top === 'examples' && file.endsWith('.json')) ||
			(top === 'dist' && DIST_FOLDERS.includes(second) && !file.endsWith('.tsbuildinfo'));
		if (!allowed) problems.push(`the tarball ships ${file}, which is not part of the package`);
	}
	return problems;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
	const problems = checkBuild();
	if (problems.length > 0) {
		console.error(`Refusing to pack ${readManifest(REPO_ROOT).name}: the build is incomplete.\n${problems.map((p) => `  - ${p}`).join('\n')}`);
		process.exit(1);
	}
	const dist = join(REPO_ROOT, 'dist');
	const count = listFiles(dist).length;
	console.log(`check-package: dist/ is complete (${count} files; every node, credential, codex file and icon present)`);
}
