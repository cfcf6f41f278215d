/**
 * PostgreSQL and Redis from Debian for the queue-mode end-to-end run, started as processes the
 * test owns (own data folder in a temp directory, a free loopback port, no persistence for Redis)
 * and stopped by PID, also when the test fails or the process exits.
 *
 * - Binaries: Debian's `postgresql` (`/usr/lib/postgresql/<version>/bin/{initdb,postgres}`, psql on
 *   PATH) and `redis-server`. When one is missing and the test runs as root on a machine with
 *   apt-get, it is installed with `apt-get install -y postgresql redis-server` (Debian's packages
 *   create the `postgres` user and start nothing here without systemd); otherwise the error says
 *   what to install.
 * - PostgreSQL refuses to run as root: as root, initdb and the server run as the `postgres` user
 *   (spawned with its uid/gid, so the PID is the server's own); otherwise as the current user.
 *   The cluster has a superuser `cnspeech_admin` (used by the test for SQL) and a plain login role
 *   `n8n` that owns the database `n8n` (what n8n connects as), with trust authentication on
 *   127.0.0.1 only and no Unix sockets. Durability settings are off (fsync, synchronous_commit,
 *   full_page_writes): the data lives only as long as the test.
 * - Redis: `redis-server` on 127.0.0.1 with `--save ""` and `--appendonly no`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../n8n';

/** Process groups started here; killed when the test process exits, whatever happened. */
const liveGroups = new Set<number>();
process.once('exit', () => {
	for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});

/** Sends `signal` to the process group led by `pid` (children are spawned detached), else to `pid`. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (!pid) return;
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

/** Registers a started process group for the exit hook; returns a function that unregisters it. */
export function trackGroup(pid: number): () => void {
	liveGroups.add(pid);
	return () => liveGroups.delete(pid);
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}

/** Runs a command to completion and returns its output; throws with stdout/stderr on failure. */
async function run(command: string, args: string[], options: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<string> {
	return await new Promise<string>((resolvePromise, reject) => {
		const child = spawn(command, args, { uid: options.uid, gid: options.gid, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			const stdout = Buffer.concat(out).toString('utf8');
			const stderr = Buffer.concat(err).toString('utf8');
			if (code === 0) resolvePromise(stdout);
			else reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal}):\n${stdout}\n${stderr}`));
		});
		child.stdin.end(options.input ?? '');
	});
}

function which(command: string): string | undefined {
	for (const dir of (process.env.PATH ?? '').split(':')) {
		if (dir && existsSync(join(dir, command))) return join(dir, command);
	}
	return undefined;
}

let installing: Promise<void> | undefined;

/**
 * Installs Debian's `postgresql` and `redis-server` with apt-get (waiting up to 10 minutes for
 * another apt-get to release its lock). Only as root.
 *
 * @throws Error saying what to install when not root, apt-get is missing, or it fails.
 */
async function aptInstall(what: string): Promise<void> {
	const root = process.getuid?.() === 0;
	if (!root || !which('apt-get')) {
		throw new Error(`${what} is not installed. Install Debian's packages first: sudo apt-get install -y postgresql redis-server`);
	}
	installing ??= (async () => {
		process.stdout.write('[queue-e2e] apt-get install -y postgresql redis-server\n');
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		const install = async () =>
			await run('apt-get', ['install', '-y', '-q', '-o', 'DPkg::Lock::Timeout=600', 'postgresql', 'redis-server'], { env, timeoutMs: 20 * 60_000 });
		try {
			await install();
		} catch {
			await run('apt-get', ['update', '-q', '-o', 'DPkg::Lock::Timeout=600'], { env, timeoutMs: 20 * 60_000 });
			await install();
		}
	})();
	await installing;
}

/** The folder with Debian's PostgreSQL server binaries (highest version), or undefined. */
function postgresBinDir(): string | undefined {
	const base = '/usr/lib/postgresql';
	if (existsSync(base)) {
		const versions = readdirSync(base)
			.filter((name) => existsSync(join(base, name, 'bin', 'postgres')) && existsSync(join(base, name, 'bin', 'initdb')))
			.sort((a, b) => Number(b) - Number(a));
		if (versions.length > 0) return join(base, versions[0], 'bin');
	}
	const initdb = which('initdb');
	return initdb && which('postgres') ? join(initdb, '..') : undefined;
}

async function ensurePostgresBinaries(): Promise<{ binDir: string; psql: string }> {
	let binDir = postgresBinDir();
	let psql = which('psql') ?? (binDir && existsSync(join(binDir, 'psql')) ? join(binDir, 'psql') : undefined);
	if (!binDir || !psql) {
		await aptInstall('PostgreSQL');
		binDir = postgresBinDir();
		psql = which('psql') ?? (binDir ? join(binDir, 'psql') : undefined);
	}
	if (!binDir || !psql) throw new Error('PostgreSQL binaries not found after apt-get install postgresql');
	return { binDir, psql };
}

async function ensureRedisBinary(): Promise<string> {
	let redis = which('redis-server') ?? (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : undefined);
	if (!redis) {
		await aptInstall('Redis');
		redis = which('redis-server') ?? '/usr/bin/redis-server';
	}
	if (!existsSync(redis)) throw new Error('redis-server not found after apt-get install redis-server');
	return redis;
}

/** The uid/gid PostgreSQL runs as: the `postgres` user when we are root, else ourselves. */
function postgresUser(): { uid?: number; gid?: number; name: string } {
	if (process.getuid?.() !== 0) return { name: userInfo().username };
	const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
	return { uid, gid, name: 'postgres' };
}

/** Output of a child process, kept for error messages. */
class OutputTail {
	private text = '';
	add(chunk: Buffer): void {
		this.text = (this.text + chunk.toString('utf8')).slice(-20_000);
	}
	toString(): string {
		return this.text.split('\n').slice(-40).join('\n');
	}
}

/** Waits for a started child to exit (SIGKILL after `graceMs`). */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolvePromise) => child.once('close', () => resolvePromise()));
	killGroup(child.pid, signal);
	let timer: NodeJS.Timeout | undefined;
	const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)))]);
	clearTimeout(timer);
	if (timedOut) {
		killGroup(child.pid, 'SIGKILL');
		await exited;
	}
}

/** A running PostgreSQL cluster owned by the test. */
export interface PostgresServer {
	host: '127.0.0.1';
	port: number;
	/** Database and role n8n uses (no password; trust authentication on 127.0.0.1). */
	database: string;
	user: string;
	/** PID of the postmaster. */
	pid: number;
	/**
	 * Runs SQL as the superuser in n8n's database (psql, ON_ERROR_STOP) and returns psql's
	 * unaligned, tuples-only output.
	 */
	sql(statement: string): Promise<string>;
	/** Runs a SELECT and returns its rows (the query is wrapped in `json_agg`). */
	rows<T>(query: string): Promise<T[]>;
	/** Fast shutdown (SIGINT to the postmaster, SIGKILL after 15 s), then removes the data folder. */
	stop(): Promise<void>;
}

/**
 * Creates a PostgreSQL cluster in a temp folder and starts it on a free loopback port.
 *
 * @throws Error with the server output when initdb fails or the server does not accept
 *   connections within 60 s.
 */
export async function startPostgres(): Promise<PostgresServer> {
	const { binDir, psql } = await ensurePostgresBinaries();
	const owner = postgresUser();
	const root = await mkdtemp(join(tmpdir(), 'cn-speech-pg-'));
	const dataDir = join(root, 'data');
	if (owner.uid !== undefined && owner.gid !== undefined) chownSync(root, owner.uid, owner.gid);
	const env = { PATH: process.env.PATH ?? '', LANG: 'C', LC_ALL: 'C' };
	await run(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'cnspeech_admin', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
		uid: owner.uid,
		gid: owner.gid,
		env,
	});
	const port = await freePort();
	const output = new OutputTail();
	const child = spawn(
		join(binDir, 'postgres'),
		[
			'-D', dataDir,
			'-p', String(port),
			'-c', 'listen_addresses=127.0.0.1',
			'-c', 'unix_socket_directories=',
			'-c', 'fsync=off',
			'-c', 'synchronous_commit=off',
			'-c', 'full_page_writes=off',
			'-c', 'max_connections=200',
		],
		{ uid: owner.uid, gid: owner.gid, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	const untrack = trackGroup(child.pid ?? 0);
	child.stdout?.on('data', (chunk: Buffer) => output.add(chunk));
	child.stderr?.on('data', (chunk: Buffer) => output.add(chunk));
	child.unref();

	const psqlAs = (user: string, database: string, statement: string) =>
		run(psql, ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-f', '-'], {
			env: { ...env, PGCONNECT_TIMEOUT: '5' },
			input: statement,
			timeoutMs: 60_000,
		});
	const started = Date.now();
	for (;;) {
		if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}:\n${output.toString()}`);
		try {
			await psqlAs('cnspeech_admin', 'postgres', 'SELECT 1;');
			break;
		} catch (error) {
			if (Date.now() - started > 60_000) {
				await stopChild(child, 'SIGKILL', 1_000);
				throw new Error(`postgres did not accept connections within 60 s: ${(error as Error).message}\n${output.toString()}`);
			}
			await sleep(200);
		}
	}
	await psqlAs('cnspeech_admin', 'postgres', 'CREATE ROLE n8n LOGIN;\nCREATE DATABASE n8n OWNER n8n;');

	return {
		host: '127.0.0.1',
		port,
		database: 'n8n',
		user: 'n8n',
		pid: child.pid ?? 0,
		sql: (statement) => psqlAs('cnspeech_admin', 'n8n', statement),
		rows: async <T>(query: string) => {
			const out = await psqlAs('cnspeech_admin', 'n8n', `SELECT coalesce(json_agg(q), '[]'::json) FROM (${query}) q;`);
			return JSON.parse(out.trim() || '[]') as T[];
		},
		stop: async () => {
			await stopChild(child, 'SIGINT', 15_000);
			killGroup(child.pid, 'SIGKILL');
			untrack();
			await rm(root, { recursive: true, force: true });
		},
	};
}

/** A running Redis owned by the test. */
export interface RedisServer {
	host: '127.0.0.1';
	port: number;
	pid: number;
	/** SIGTERM (SIGKILL after 10 s), then removes its folder. */
	stop(): Promise<void>;
}

/** Sends `PING` and resolves true when Redis answers `+PONG`. */
async function redisPing(port: number): Promise<boolean> {
	return await new Promise<boolean>((resolvePromise) => {
		const socket = connect({ host: '127.0.0.1', port });
		let answer = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolvePromise(ok);
		};
		socket.setTimeout(2_000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			answer += chunk.toString('utf8');
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

/**
 * Starts `redis-server` on a free loopback port without persistence.
 *
 * @throws Error with its output when it does not answer PING within 30 s.
 */
export async function startRedis(): Promise<RedisServer> {
	const binary = await ensureRedisBinary();
	const dir = await mkdtemp(join(tmpdir(), 'cn-speech-redis-'));
	const port = await freePort();
	const output = new OutputTail();
	const child = spawn(
		binary,
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes'],
		{ detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	const untrack = trackGroup(child.pid ?? 0);
	child.stdout?.on('data', (chunk: Buffer) => output.add(chunk));
	child.stderr?.on('data', (chunk: Buffer) => output.add(chunk));
	child.unref();
	const started = Date.now();
	while (!(await redisPing(port))) {
		if (child.exitCode !== null || Date.now() - started > 30_000) {
			await stopChild(child, 'SIGKILL', 1_000);
			untrack();
			throw new Error(`redis-server did not answer PING on port ${port}:\n${output.toString()}`);
		}
		await sleep(100);
	}
	return {
		host: '127.0.0.1',
		port,
		pid: child.pid ?? 0,
		stop: async () => {
			await stopChild(child, 'SIGTERM', 10_000);
			untrack();
			await rm(dir, { recursive: true, force: true });
		},
	};
}
