/**
 * The harness's own check, with n8n's built-in nodes only: a credential import that n8n decrypts
 * and applies on the wire, a headless `execute` (Code, HTTP Request, Set), a failing `execute`,
 * and a published Webhook workflow answering on its production URL under `n8n start`, read back
 * from the database. Also proves that `execute` works while the server is running.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { request } from 'undici';
import { readBody, sendJson, startServer, type RunningServer } from '../emulators/common';
import {
	N8nCommandError,
	N8nInstance,
	PACKAGE_NAME,
	REPO_ROOT,
	ensureN8n,
	fillPlaceholders,
	nodeOutput,
	readFixture,
	type WorkflowFixture,
} from './n8n';

const INSTALL_TIMEOUT_MS = 40 * 60 * 1000;
const HOOK_PATH = 'e2e-harness-hook';

/** Wall-clock times in milliseconds, printed at the end. */
const timings: Record<string, number> = {};
async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
	const started = Date.now();
	try {
		return await work();
	} finally {
		timings[label] = Date.now() - started;
	}
}

describe('n8n e2e harness (built-in nodes only)', () => {
	let n8n: N8nInstance | undefined;
	let echo: RunningServer;
	const apiKey = randomBytes(12).toString('hex');
	const seen: Array<{ key: string | undefined; body: unknown }> = [];

	beforeAll(async () => {
		await timed('ensureN8n', async () => await ensureN8n());
		echo = await startServer(async (req, res) => {
			const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Record<string, unknown>;
			const key = req.headers['x-api-key'] as string | undefined;
			seen.push({ key, body });
			if (req.url !== '/echo' || key !== apiKey) {
				sendJson(res, 401, { message: 'bad key' });
				return;
			}
			sendJson(res, 200, { ...body, authorised: true });
		});
		n8n = await timed('create instance (pack + install package)', async () => await N8nInstance.create());
		const values = { ECHO_URL: echo.url, CREDENTIAL_ID: 'e2eEchoKey' };
		const good = fillPlaceholders(readFixture<WorkflowFixture>('harness-http.workflow.json'), values);
		const bad = fillPlaceholders(readFixture<WorkflowFixture>('harness-http.workflow.json'), { ...values, CREDENTIAL_ID: 'e2eWrongKey' });
		bad.id = 'e2eHarnessHttpBad';
		bad.name = 'E2E harness: wrong key';
		await timed('importCredentials', async () =>
			await n8n!.importCredentials([
				{ id: 'e2eEchoKey', name: 'E2E echo key', type: 'httpHeaderAuth', data: { name: 'X-Api-Key', value: apiKey } },
				{ id: 'e2eWrongKey', name: 'E2E wrong key', type: 'httpHeaderAuth', data: { name: 'X-Api-Key', value: 'not-the-key' } },
			]),
		);
		await timed('importWorkflows', async () =>
			await n8n!.importWorkflows([good, bad, readFixture<WorkflowFixture>('harness-webhook.workflow.json')]),
		);
	}, INSTALL_TIMEOUT_MS);

	afterAll(async () => {
		await n8n?.dispose();
		await echo?.close();
		process.stdout.write(
			`[n8n-e2e] harness timings (ms): ${Object.entries(timings)
				.map(([label, ms]) => `${label}=${ms}`)
				.join(', ')}\n`,
		);
	});

	test('the package is installed as the Community Nodes screen does it', () => {
		const nodesDir = join(n8n!.userFolder, '.n8n', 'nodes');
		const ledger = JSON.parse(readFileSync(join(nodesDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
		const installed = JSON.parse(readFileSync(join(nodesDir, 'node_modules', PACKAGE_NAME, 'package.json'), 'utf8')) as Record<string, unknown>;
		expect(ledger.dependencies[PACKAGE_NAME]).toBe(installed.version);
		expect(installed.name).toBe(PACKAGE_NAME);
		expect(installed.devDependencies).toBeUndefined();
		expect(installed.peerDependencies).toBeUndefined();
		expect(existsSync(join(nodesDir, 'node_modules', PACKAGE_NAME, 'dist'))).toBe(true);
	});

	test('imports a credential that n8n decrypts and sends, and executes Code → HTTP Request → Set', async () => {
		const run = await timed('execute (success)', async () => await n8n!.execute('e2eHarnessHttp'));
		expect(run.status).toBe('success');
		expect(nodeOutput(run, 'Make Items').map((item) => item.json)).toEqual([
			{ n: 1, square: 1 },
			{ n: 2, square: 4 },
			{ n: 3, square: 9 },
		]);
		expect(nodeOutput(run, 'Shape').map((item) => item.json)).toEqual([
			{ n: 1, label: 'square of 1 is 1', authorised: true },
			{ n: 2, label: 'square of 2 is 4', authorised: true },
			{ n: 3, label: 'square of 3 is 9', authorised: true },
		]);
		expect(seen.filter((request) => request.key === apiKey)).toHaveLength(3);
		// the secret never reaches the harness log
		expect(readFileSync(n8n!.logFile, 'utf8')).not.toContain(apiKey);
	});

	test('a failing execution throws N8nCommandError carrying the execution from the database', async () => {
		const error = await timed('execute (failure)', async () => await n8n!.execute('e2eHarnessHttpBad').then(
			() => undefined,
			(caught: unknown) => caught,
		));
		expect(error).toBeInstanceOf(N8nCommandError);
		const failure = error as N8nCommandError;
		expect(failure.exitCode).toBe(1);
		expect(failure.execution?.status).toBe('error');
		expect(failure.execution?.data.resultData.lastNodeExecuted).toBe('Call Echo');
		expect(() => nodeOutput(failure.execution!, 'Call Echo')).toThrow(/failed/);
		expect(seen.some((request) => request.key === 'not-the-key')).toBe(true);
	});

	test('a published Webhook workflow answers on its production URL and its execution is readable', async () => {
		await timed('publish', async () => await n8n!.publish('e2eHarnessHook'));
		const startedAt = Date.now();
		await timed('start → healthz', async () => await n8n!.start());
		const { url } = await timed('healthz → webhook ready', async () => await n8n!.waitForProductionWebhook(HOOK_PATH, 'POST'));
		timings['start → webhook ready'] = Date.now() - startedAt;
		expect(url).toBe(`${n8n!.baseUrl}/webhook/${HOOK_PATH}`);
		expect(await n8n!.webhookPathOf('e2eHarnessHook', 'Webhook')).toBe(HOOK_PATH);

		const response = await timed('webhook round trip', async () =>
			await request(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ text: 'one two  three' }),
			}),
		);
		expect(response.statusCode).toBe(200);
		expect(await response.body.json()).toEqual({ words: 3, reversed: 'three two one' });

		const executions = await n8n!.waitForExecutions('e2eHarnessHook', 1, 30_000);
		expect(executions).toHaveLength(1);
		expect(executions[0].mode).toBe('webhook');
		expect(executions[0].status).toBe('success');
		expect(nodeOutput(executions[0], 'Webhook')[0].json.body).toEqual({ text: 'one two  three' });
		expect(nodeOutput(executions[0], 'Compute').map((item) => item.json)).toEqual([{ words: 3, reversed: 'three two one' }]);
	});

	test("every node and credential in package.json's n8n section loads in n8n under the package's name", async () => {
		const manifest = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[]; credentials: string[] } }).n8n;
		type Described = { description?: { name: string; usableAsTool?: boolean }; name?: string };
		const load = (file: string): Described => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const exported = require(join(REPO_ROOT, file)) as Record<string, new () => Described>;
			// n8n's loader takes the export named like the file: dist/nodes/WeChat/WeChat.node.js → WeChat
			return new exported[basename(file).split('.')[0]]();
		};
		expect(n8n!.packageLoadErrors()).toEqual([]);
		// n8n adds a "<name>Tool" variant of every node with usableAsTool (the AI-agent tool form)
		const expectedNodes = manifest.nodes.flatMap((file) => {
			const { description } = load(file);
			const name = `${PACKAGE_NAME}.${description!.name}`;
			return description!.usableAsTool ? [name, `${name}Tool`] : [name];
		});
		const nodeTypes = await n8n!.loadedNodeTypes();
		expect(nodeTypes.filter((name) => name.startsWith(`${PACKAGE_NAME}.`))).toEqual(expectedNodes.sort());
		expect(await n8n!.loadedCredentialTypes()).toEqual(expect.arrayContaining(manifest.credentials.map((file) => load(file).name)));
	});

	test('every node and credential of the package has a light and a dark icon that n8n serves', async () => {
		// n8n resolves `file:` icons relative to the compiled .js file and lists the result as
		// `iconUrl` in the type files it writes for the editor; the editor loads them from the server.
		await n8n!.loadedCredentialTypes(); // waits until both type files are complete
		const typesDir = join(n8n!.userFolder, '.cache', 'n8n', 'public', 'types');
		type Typed = { name: string; iconUrl?: string | { light?: string; dark?: string } };
		const readTypes = (file: string) => JSON.parse(readFileSync(join(typesDir, file), 'utf8')) as Typed[];
		const manifest = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { n8n: { credentials: string[] } }).n8n;
		const credentialNames = manifest.credentials.map((file) => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const exported = require(join(REPO_ROOT, file)) as Record<string, new () => { name: string }>;
			return new exported[basename(file).split('.')[0]]().name;
		});
		const ours = [
			...readTypes('nodes.json').filter((type) => type.name.startsWith(`${PACKAGE_NAME}.`)),
			...readTypes('credentials.json').filter((type) => credentialNames.includes(type.name)),
		];
		expect(ours.filter((type) => !type.name.startsWith(`${PACKAGE_NAME}.`)).map((type) => type.name).sort()).toEqual([...credentialNames].sort());

		const served: string[] = [];
		for (const type of ours) {
			const { iconUrl } = type;
			expect({ type: type.name, themed: typeof iconUrl === 'object' && Boolean(iconUrl.light && iconUrl.dark) }).toEqual({ type: type.name, themed: true });
			const { light, dark } = iconUrl as { light: string; dark: string };
			expect(dark).toBe(light.replace(/\.svg$/, '.dark.svg'));
			for (const url of [light, dark]) {
				// every icon is stored once, in icons/, and copied to dist/icons/ by the build
				expect(url).toMatch(new RegExp(`^icons/${PACKAGE_NAME}/dist/icons/[A-Za-z]+(\\.dark)?\\.svg$`));
				const response = await request(`${n8n!.baseUrl}/${url}`);
				const body = Buffer.from(await response.body.arrayBuffer());
				expect({ url, status: response.statusCode, type: String(response.headers['content-type']) }).toEqual({
					url,
					status: 200,
					type: expect.stringContaining('image/svg+xml'),
				});
				expect(body.equals(readFileSync(join(REPO_ROOT, 'icons', basename(url))))).toBe(true);
				served.push(url);
			}
		}
		// 5 nodes, their AI-tool variants and 3 credentials, two icons each
		expect(served.length).toBeGreaterThanOrEqual(2 * (5 + 3));
	});

	test('execute works while the server is running (separate broker port)', async () => {
		const run = await timed('execute (server running)', async () => await n8n!.execute('e2eHarnessHttp'));
		expect(nodeOutput(run, 'Shape')).toHaveLength(3);
		const executions = await n8n!.getExecutions('e2eHarnessHttp');
		expect(executions.map((execution) => execution.status)).toEqual(['success', 'success']);
		expect(executions.every((execution) => execution.mode === 'cli')).toBe(true);
	});

	test('stop() ends n8n and frees its port', async () => {
		await timed('stop', async () => await n8n!.stop());
		await expect(request(`${n8n!.baseUrl}/healthz`)).rejects.toThrow();
	});
});
