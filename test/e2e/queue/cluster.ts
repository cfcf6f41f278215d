/**
 * An n8n 2.x installation in queue mode on one machine, as users run it across machines:
 * PostgreSQL and Redis (./services.ts), one main (`n8n start` with
 * `N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true`: it serves the editor and REST API, not production
 * webhooks), one webhook process (`n8n webhook`: runs trigger `webhook()` methods, stores and
 * enqueues executions) and N workers (`n8n worker`: run the executions). Every process has its
 * own user folder with this package installed in `<folder>/.n8n/nodes` (as separate machines or
 * containers would), the same `N8N_ENCRYPTION_KEY`, `EXECUTIONS_MODE=queue`,
 * `DB_TYPE=postgresdb`, its own task-broker port and (workers) its own health port.
 * Source: https://docs.n8n.io/hosting/scaling/queue-mode/ and docs/n8n.md#queue-mode.
 *
 * Processes are spawned detached (own process group: n8n's task runner dies with its parent) and
 * stopped by PID; a worker can be killed with SIGKILL mid-run and started again. Which worker ran
 * an execution is read from the workers' logs (`Worker started execution <id> (job <n>)`, n8n's
 * job processor at info level). Workflows are published with the same database update as
 * `n8n publish:workflow` (WorkflowRepository.publishVersion: `active = true`,
 * `activeVersionId = versionId`), done in SQL to save one CLI start per workflow.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';

import {
	ENCRYPTION_KEY,
	REPO_ROOT,
	ensureN8n,
	freePort,
	installPackageInto,
	type CredentialFixture,
	type ExecutionRecord,
	type N8nInstallation,
	type RunExecutionData,
	type WorkflowFixture,
} from '../n8n';
import { killGroup, startPostgres, startRedis, trackGroup, type PostgresServer, type RedisServer } from './services';

/**
 * Queue settings of every worker: a dead worker's jobs are failed within ~25 s (n8n defaults:
 * 60 s lock renewed every 10 s, stall check every 30 s). The lock stays long enough that a worker
 * starved of CPU on a loaded 2-core machine still renews it in time (a lock that expires under a
 * live worker makes n8n fail a job that then still runs).
 */
export const WORKER_QUEUE_SETTINGS = {
	QUEUE_WORKER_LOCK_DURATION: '20000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '4000',
	QUEUE_WORKER_STALLED_INTERVAL: '5000',
} as const;

function sleep(ms: number): Promise<void> {
	return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}

/** The parent environment without variables that would change what an n8n child does (as test/e2e/n8n.ts). */
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

/** The role of an n8n process in queue mode. */
export type N8nRole = 'main' | 'webhook' | 'worker';

/** One n8n process of the cluster (main, webhook or a worker) and its log. */
export class N8nProcess {
	private child: ChildProcess | undefined;
	private untrack: (() => void) | undefined;
	private exited: Promise<void> = Promise.resolve();
	private log: WriteStream;
	private text = '';
	/** How often this process was started. */
	starts = 0;

	constructor(
		/** e.g. `main`, `webhook`, `worker-1`. */
		readonly name: string,
		readonly role: N8nRole,
		/** Its N8N_USER_FOLDER (package installed in `.n8n/nodes`). */
		readonly userFolder: string,
		/** HTTP port: the server of main / webhook, the health server of a worker. */
		readonly port: number,
		private readonly env: () => NodeJS.ProcessEnv,
		private readonly install: N8nInstallation,
		private readonly redact: (text: string) => string,
		/** Extra CLI arguments (a worker's `--concurrency=N`). */
		private readonly args: string[] = [],
	) {
		this.log = createWriteStream(join(userFolder, `${name}.log`), { flags: 'a' });
	}

	/** Everything the process printed so far (all starts), redacted. */
	get output(): string {
		return this.text;
	}

	/** PID of the running process (undefined when stopped). */
	get pid(): number | undefined {
		return this.running ? this.child?.pid : undefined;
	}

	get running(): boolean {
		return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
	}

	/** The last `lines` lines of the output. */
	tail(lines = 40): string {
		return this.text.split('\n').slice(-lines).join('\n');
	}

	private write(text: string): void {
		const clean = this.redact(text);
		this.text = (this.text + clean).slice(-2_000_000);
		this.log.write(clean);
	}

	/** Spawns the process (`n8n start` / `n8n webhook` / `n8n worker`); see {@link waitReady}. */
	async start(): Promise<void> {
		if (this.running) throw new Error(`${this.name} is already running`);
		const command = this.role === 'main' ? 'start' : this.role;
		const env = { ...this.env(), N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
		this.starts += 1;
		this.write(`[harness ${new Date().toISOString()}] $ n8n ${command} (start ${this.starts})\n`);
		const child = spawn(this.install.nodeBin, [this.install.n8nBin, command, ...this.args], {
			cwd: this.userFolder,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		this.child = child;
		this.untrack = trackGroup(child.pid ?? 0);
		this.exited = new Promise<void>((resolvePromise) =>
			child.once('close', (code, signal) => {
				this.write(`[harness ${new Date().toISOString()}] ${this.name} exited (${code ?? signal})\n`);
				resolvePromise();
			}),
		);
		for (const stream of [child.stdout, child.stderr]) {
			let rest = '';
			stream?.on('data', (chunk: Buffer) => {
				const lines = (rest + chunk.toString('utf8')).split('\n');
				rest = lines.pop() ?? '';
				if (lines.length > 0) this.write(`${lines.join('\n')}\n`);
			});
			stream?.on('end', () => rest && this.write(`${rest}\n`));
		}
		child.unref();
	}

	/**
	 * Polls `/healthz/readiness` until it answers 200 (database connected and migrated, Redis
	 * connected for workers, the process fully started).
	 *
	 * @throws Error with the output tail when the process exits or is not ready within `timeoutMs`.
	 */
	async waitReady(timeoutMs = 180_000): Promise<number> {
		const started = Date.now();
		let last = '';
		while (Date.now() - started < timeoutMs) {
			if (!this.running) throw new Error(`${this.name} exited before it was ready:\n${this.tail()}`);
			try {
				const answer = await request(`http://127.0.0.1:${this.port}/healthz/readiness`, { headersTimeout: 3_000, bodyTimeout: 3_000 });
				last = `${answer.statusCode} ${await answer.body.text()}`;
				if (answer.statusCode === 200) return Date.now() - started;
			} catch (error) {
				last = (error as Error).message;
			}
			await sleep(300);
		}
		throw new Error(`${this.name} not ready after ${timeoutMs} ms (last: ${last}):\n${this.tail()}`);
	}

	/** Sends `signal` to the process group and waits until the process is gone (SIGKILL after `graceMs`). */
	async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 20_000): Promise<void> {
		const child = this.child;
		if (!child) return;
		if (this.running) {
			this.write(`[harness ${new Date().toISOString()}] ${signal} to ${this.name} (pid ${child.pid})\n`);
			killGroup(child.pid, signal);
			let timer: NodeJS.Timeout | undefined;
			const timedOut = await Promise.race([
				this.exited.then(() => false),
				new Promise<boolean>((resolvePromise) => (timer = setTimeout(() => resolvePromise(true), graceMs))),
			]);
			clearTimeout(timer);
			if (timedOut) killGroup(child.pid, 'SIGKILL');
			await this.exited;
		}
		// the task runner and other children share the process group
		killGroup(child.pid, 'SIGKILL');
		this.untrack?.();
		this.child = undefined;
	}

	/** Ids of the executions this worker started (`Worker started execution <id>`), over all its starts. */
	startedExecutions(): Set<string> {
		return new Set([...this.text.matchAll(/Worker started execution (\d+) \(job /g)].map((match) => match[1]));
	}

	/** Ids of the executions this worker finished (`Worker finished execution <id>`). */
	finishedExecutions(): Set<string> {
		return new Set([...this.text.matchAll(/Worker finished execution (\d+) \(job /g)].map((match) => match[1]));
	}

	async closeLog(): Promise<void> {
		await new Promise<void>((resolvePromise) => this.log.end(resolvePromise));
	}
}

/** An execution of the cluster, with its run data and the worker that ran it. */
export interface QueueExecution extends ExecutionRecord {
	/** Name of the worker whose log shows it started this execution (undefined: none). */
	worker?: string;
}

/** Options of {@link QueueCluster.create}. */
export interface QueueClusterOptions {
	/** Number of workers (default 2). */
	workers?: number;
	/** Jobs each worker runs at once (`n8n worker --concurrency`; default 10). */
	concurrency?: number;
}

/**
 * PostgreSQL + Redis + one main, one webhook process and N workers (see the module docstring).
 * Use: {@link create} → {@link importCredentials} / {@link importWorkflows} → {@link publish} →
 * {@link start} → tests → {@link dispose} (in `afterAll`: stops everything by PID, removes the
 * folders unless `CN_SPEECH_E2E_KEEP=1`).
 */
export class QueueCluster {
	readonly main: N8nProcess;
	readonly webhook: N8nProcess;
	readonly workers: N8nProcess[];
	private readonly secrets = new Set<string>();
	private flattedModule: { parse(text: string): unknown } | undefined;

	private constructor(
		readonly install: N8nInstallation,
		readonly postgres: PostgresServer,
		readonly redis: RedisServer,
		/** Parent of every user folder. */
		readonly root: string,
		folders: { main: string; webhook: string; workers: string[] },
		ports: { main: number; webhook: number; workers: number[] },
		private readonly options: QueueClusterOptions,
	) {
		const redact = (text: string) => this.redact(text);
		this.main = new N8nProcess('main', 'main', folders.main, ports.main, () => this.env('main', folders.main, ports.main), install, redact);
		this.webhook = new N8nProcess('webhook', 'webhook', folders.webhook, ports.webhook, () => this.env('webhook', folders.webhook, ports.webhook), install, redact);
		this.workers = folders.workers.map(
			(folder, index) =>
				new N8nProcess(`worker-${index + 1}`, 'worker', folder, ports.workers[index], () => this.env('worker', folder, ports.workers[index]), install, redact, [
					`--concurrency=${options.concurrency ?? 10}`,
				]),
		);
	}

	/**
	 * Ensures the n8n installation, starts PostgreSQL and Redis, makes one user folder per process
	 * and installs the packed package into each.
	 */
	static async create(options: QueueClusterOptions = {}): Promise<QueueCluster> {
		const install = await ensureN8n();
		const postgres = await startPostgres();
		let redis: RedisServer | undefined;
		try {
			redis = await startRedis();
			const root = await mkdtemp(join(tmpdir(), 'n8n-queue-e2e-'));
			const workerCount = options.workers ?? 2;
			const names = ['main', 'webhook', ...Array.from({ length: workerCount }, (_, index) => `worker-${index + 1}`)];
			const folders = names.map((name) => join(root, name));
			for (const folder of folders) await mkdir(join(folder, 'files'), { recursive: true });
			await Promise.all(folders.map((folder) => installPackageInto(folder)));
			const ports = [];
			for (let index = 0; index < folders.length; index++) ports.push(await freePort());
			return new QueueCluster(
				install,
				postgres,
				redis,
				root,
				{ main: folders[0], webhook: folders[1], workers: folders.slice(2) },
				{ main: ports[0], webhook: ports[1], workers: ports.slice(2) },
				options,
			);
		} catch (error) {
			await redis?.stop();
			await postgres.stop();
			throw error;
		}
	}

	/** Base URL of the webhook process (production webhooks: `<url>/webhook/<path>`). */
	get webhookBaseUrl(): string {
		return `http://127.0.0.1:${this.webhook.port}`;
	}

	/** Base URL of the main process (editor, REST API). */
	get mainBaseUrl(): string {
		return `http://127.0.0.1:${this.main.port}`;
	}

	/** The environment of one n8n process (broker port added at spawn). */
	env(role: N8nRole, userFolder: string, port: number): NodeJS.ProcessEnv {
		const base = cleanEnv();
		const env: NodeJS.ProcessEnv = {
			...base,
			PATH: `${join(this.install.nodeDir, 'bin')}:${base.PATH ?? ''}`,
			NODE_ENV: 'production',
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			EXECUTIONS_MODE: 'queue',
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: this.postgres.host,
			DB_POSTGRESDB_PORT: String(this.postgres.port),
			DB_POSTGRESDB_DATABASE: this.postgres.database,
			DB_POSTGRESDB_USER: this.postgres.user,
			DB_POSTGRESDB_PASSWORD: '',
			// n8n's default pool of 2 connections starves its own 2-second database ping (5 s timeout)
			// when the webhook process stores dozens of executions at once: n8n then answers every
			// request 503 "Database is not ready!" until a ping succeeds
			DB_POSTGRESDB_POOL_SIZE: '10',
			QUEUE_BULL_REDIS_HOST: this.redis.host,
			QUEUE_BULL_REDIS_PORT: String(this.redis.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_PORT: String(port),
			WEBHOOK_URL: `${this.webhookBaseUrl}/`,
			N8N_EDITOR_BASE_URL: `${this.mainBaseUrl}/`,
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_SECURE_COOKIE: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			N8N_RUNNERS_MODE: 'internal',
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
			N8N_RESTRICT_FILE_ACCESS_TO: [join(userFolder, 'files'), join(REPO_ROOT, 'test', 'fixtures')].join(';'),
		};
		if (role === 'worker') {
			Object.assign(env, WORKER_QUEUE_SETTINGS, {
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(port),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			});
		}
		return env;
	}

	/** Replaces every imported credential value (strings of 8+ characters, not URLs) with `***`. */
	redact(text: string): string {
		let out = text;
		for (const secret of this.secrets) out = out.split(secret).join('***');
		return out;
	}

	/**
	 * Runs `n8n <args>` in the main folder with the main's environment (fresh broker port).
	 *
	 * @throws Error with the redacted output tail on a non-zero exit.
	 */
	async cli(args: string[], timeoutMs = 180_000): Promise<string> {
		const env = { ...this.env('main', this.main.userFolder, this.main.port), N8N_LOG_LEVEL: 'warn', N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
		return await new Promise<string>((resolvePromise, reject) => {
			const child = spawn(this.install.nodeBin, [this.install.n8nBin, ...args], { cwd: this.main.userFolder, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
			const untrack = trackGroup(child.pid ?? 0);
			let output = '';
			child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
			child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
			const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), timeoutMs);
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				killGroup(child.pid, 'SIGKILL');
				untrack();
				if (code === 0) resolvePromise(output);
				else reject(new Error(`n8n ${args.join(' ')} failed (${code ?? signal}):\n${this.redact(output).split('\n').slice(-40).join('\n')}`));
			});
		});
	}

	/** Imports credentials (`n8n import:credentials`; n8n encrypts `data`); values are redacted from logs. */
	async importCredentials(credentials: CredentialFixture[]): Promise<void> {
		const collect = (value: unknown): void => {
			if (typeof value === 'string') {
				if (value.length >= 8 && !/^https?:\/\//.test(value)) this.secrets.add(value);
			} else if (value && typeof value === 'object') {
				for (const inner of Object.values(value)) collect(inner);
			}
		};
		for (const credential of credentials) collect(credential.data);
		const dir = await mkdtemp(join(tmpdir(), 'n8n-queue-cred-'));
		try {
			await writeFile(join(dir, 'credentials.json'), JSON.stringify(credentials), { mode: 0o600 });
			await this.cli(['import:credentials', `--input=${join(dir, 'credentials.json')}`]);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	}

	/** Imports workflows (`n8n import:workflow --separate`); ids of at most 21 characters. */
	async importWorkflows(workflows: WorkflowFixture[]): Promise<void> {
		const dir = await mkdtemp(join(tmpdir(), 'n8n-queue-wf-'));
		try {
			for (const workflow of workflows) {
				await writeFile(join(dir, `${workflow.id}.json`), JSON.stringify({ active: false, settings: {}, ...workflow }));
			}
			await this.cli(['import:workflow', '--separate', `--input=${dir}`]);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	}

	/**
	 * Publishes workflows (call before {@link start}): the update `n8n publish:workflow` makes,
	 * after checking each has a stored version to publish.
	 *
	 * @throws Error naming a workflow without a version.
	 */
	async publish(workflowIds: string[]): Promise<void> {
		const list = workflowIds.map((id) => `'${id.replace(/'/g, "''")}'`).join(',');
		const versions = await this.postgres.rows<{ id: string; versionId: string; history: number }>(
			`SELECT w.id, w."versionId", (SELECT count(*) FROM workflow_history h WHERE h."workflowId" = w.id AND h."versionId" = w."versionId") AS history
			 FROM workflow_entity w WHERE w.id IN (${list})`,
		);
		for (const id of workflowIds) {
			const row = versions.find((version) => version.id === id);
			if (!row || Number(row.history) !== 1) throw new Error(`workflow ${id} has no stored version to publish (${JSON.stringify(row)})`);
		}
		await this.postgres.sql(`UPDATE workflow_entity SET active = true, "activeVersionId" = "versionId" WHERE id IN (${list});`);
	}

	/**
	 * Starts main, the webhook process and every worker at once and waits until each is ready.
	 *
	 * @returns the time to readiness of each process, in milliseconds.
	 */
	async start(): Promise<Record<string, number>> {
		const all = [this.main, this.webhook, ...this.workers];
		for (const process of all) await process.start();
		const times = await Promise.all(all.map((process) => process.waitReady()));
		return Object.fromEntries(all.map((process, index) => [process.name, times[index]]));
	}

	/** Starts a stopped worker again and waits until it is ready; returns the wait in milliseconds. */
	async restartWorker(worker: N8nProcess): Promise<number> {
		await worker.start();
		return await worker.waitReady();
	}

	/**
	 * Waits until the webhook process serves the production webhook of `nodeName` in a published
	 * workflow: the path main registered in `webhook_entity`, then a CORS preflight (OPTIONS, never
	 * starts a workflow) answered 204 listing POST.
	 *
	 * @returns the production URL on the webhook process.
	 * @throws Error with the logs' tails after `timeoutMs`.
	 */
	async waitForWebhook(workflowId: string, nodeName: string, timeoutMs = 120_000): Promise<string> {
		const started = Date.now();
		let path: string | undefined;
		let last = '';
		while (Date.now() - started < timeoutMs) {
			if (!path) {
				const rows = await this.postgres.rows<{ webhookPath: string }>(
					`SELECT "webhookPath" FROM webhook_entity WHERE "workflowId" = '${workflowId}' AND node = '${nodeName.replace(/'/g, "''")}'`,
				);
				path = rows[0]?.webhookPath;
			}
			if (path) {
				const url = `${this.webhookBaseUrl}/webhook/${path}`;
				try {
					const answer = await request(url, {
						method: 'OPTIONS',
						headers: { origin: this.webhookBaseUrl, 'access-control-request-method': 'POST' },
						headersTimeout: 5_000,
						bodyTimeout: 5_000,
					});
					last = `${answer.statusCode} ${await answer.body.text()}`;
					const allow = String(answer.headers['access-control-allow-methods'] ?? '').toUpperCase();
					if (answer.statusCode === 204 && allow.split(/\s*,\s*/).includes('POST')) return url;
				} catch (error) {
					last = (error as Error).message;
				}
			}
			await sleep(300);
		}
		throw new Error(`webhook of "${nodeName}" in ${workflowId} not served (path ${path}; last ${last}):\n${this.webhook.tail()}\n${this.main.tail()}`);
	}

	private flatted(): { parse(text: string): unknown } {
		// flatted is plain CommonJS: n8n's own copy keeps the format in step with n8n
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		this.flattedModule ??= require(join(this.install.hostDir, 'node_modules', 'flatted')) as { parse(text: string): unknown };
		return this.flattedModule;
	}

	/** Name of the worker whose log shows it started execution `id`. */
	workerOf(id: string): string | undefined {
		return this.workers.find((worker) => worker.startedExecutions().has(id))?.name;
	}

	/**
	 * Executions of the given workflows (in no guaranteed order), with run data (flatted, parsed) and the
	 * worker that ran each. Unfinished ones (`new`, `running`, `waiting`) only with `includeUnfinished`.
	 */
	async executions(workflowIds: string[], options: { includeUnfinished?: boolean } = {}): Promise<QueueExecution[]> {
		const list = workflowIds.map((id) => `'${id}'`).join(',');
		const rows = await this.postgres.rows<{
			id: number;
			workflowId: string;
			mode: string;
			status: string;
			finished: boolean;
			startedAt: string | null;
			stoppedAt: string | null;
			data: string | null;
		}>(
			`SELECT e.id, e."workflowId", e.mode, e.status, e.finished, e."startedAt", e."stoppedAt", d.data
			 FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id
			 WHERE e."workflowId" IN (${list}) AND e."deletedAt" IS NULL ORDER BY e.id`,
		);
		const flatted = this.flatted();
		return rows
			.filter((row) => options.includeUnfinished || !['new', 'running', 'waiting'].includes(row.status))
			.map((row) => ({
				id: String(row.id),
				workflowId: row.workflowId,
				mode: row.mode,
				status: row.status,
				finished: Boolean(row.finished),
				startedAt: row.startedAt,
				stoppedAt: row.stoppedAt,
				data: (row.data ? flatted.parse(row.data) : { resultData: { runData: {} } }) as RunExecutionData,
				worker: this.workerOf(String(row.id)),
			}));
	}

	/**
	 * Polls until `done(executions)` holds for the executions of `workflowIds` (finished ones).
	 *
	 * @throws Error with `describe` of the last state and the logs' tails after `timeoutMs`.
	 */
	async waitForExecutions(
		workflowIds: string[],
		done: (executions: QueueExecution[]) => boolean,
		timeoutMs: number,
		describe: (executions: QueueExecution[]) => string = (executions) => `${executions.length} finished execution(s)`,
	): Promise<QueueExecution[]> {
		const started = Date.now();
		for (;;) {
			const executions = await this.executions(workflowIds);
			if (done(executions)) return executions;
			if (Date.now() - started > timeoutMs) {
				throw new Error(
					`executions of ${workflowIds.join(', ')} not complete after ${timeoutMs} ms: ${describe(executions)}\n` +
						[this.webhook, ...this.workers].map((p) => `--- ${p.name}\n${p.tail(15)}`).join('\n'),
				);
			}
			await sleep(500);
		}
	}

	/** Stops every n8n process (SIGTERM, SIGKILL after 20 s), Redis and PostgreSQL; removes the folders. */
	async dispose(): Promise<void> {
		const all = [this.main, this.webhook, ...this.workers];
		await Promise.all(all.map((process) => process.stop().catch(() => undefined)));
		await Promise.all(all.map((process) => process.closeLog()));
		await this.redis.stop().catch(() => undefined);
		await this.postgres.stop().catch(() => undefined);
		if (process.env.CN_SPEECH_E2E_KEEP === '1') {
			process.stdout.write(`[queue-e2e] kept ${this.root} (logs: <process>/<process>.log)\n`);
			return;
		}
		await rm(this.root, { recursive: true, force: true });
	}
}
