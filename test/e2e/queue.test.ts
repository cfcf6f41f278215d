/**
 * Queue mode (`npm run e2e`): n8n 2.40.7 with PostgreSQL and Redis from Debian, one main
 * (production webhooks off), one webhook process and two workers, each process with this package
 * installed in its own `.n8n/nodes` (test/e2e/queue/cluster.ts). Workflows start through
 * production webhooks, so they run on the workers. What it proves, with the figures printed at
 * the end:
 * (a) WeChat transcripts are right on both workers;
 * (b) the WeChat access_token is fetched once and shared through n8n's credential store by every
 *     run on both workers;
 * (c) Contact Center uploads from both workers at once reach Tencent exactly once each, within
 *     its 1 request/s limit (rate-limit answers waited out);
 * (d) Tencent ASR callbacks are answered by the webhook process and run on the workers, each
 *     task id exactly once, in both reply modes;
 * (e) while the database refuses to store executions, the trigger answers Tencent with a non-zero
 *     code (never code 0); Tencent's retry, once the database accepts again, is stored: nothing lost;
 * (f) a worker killed with SIGKILL mid-run: with "When the Workflow Has Finished" every callback
 *     ends in a successful execution (Tencent's retry reruns what the dead worker held); what
 *     "When Received" loses in the same situation is counted and printed, not asserted.
 */
import { request } from 'undici';

import { buildRecTaskCallback, sendAsrCallback, type CallbackDelivery } from '../emulators/callbackSender';
import { startFileServer, TranscriptRegistry, type RunningServer } from '../emulators/common';
import { startTencentCloudEmulator, type TencentCloudEmulator } from '../emulators/tencentCloud';
import { startWeChatEmulator, type WeChatEmulator } from '../emulators/wechat';
import { FIXTURES_DIR, fixture, fixtureText } from '../helpers/fixtures';
import { ensureN8n, nodeOutput, type OutputItem } from './n8n';
import { QueueCluster, type QueueExecution } from './queue/cluster';
import { QWF, TRIGGER_NODE, queueWorkflows } from './queue/workflows';

const INSTALL_TIMEOUT_MS = 40 * 60 * 1000;
const WECHAT = { appId: 'wxqueue0123456789a', appSecret: 'queue-wechat-app-secret-0123456789' };
const TENCENT = { secretId: 'AKIDqueueSecretId0123456789', secretKey: 'queue-tencent-secret-key-0123456789', appId: 1250000001 };
const SDK_APP_ID = 1400000000;
const CALLBACK_TOKEN = 'queue-callback-token-8c2f61d0b7a94e35';
const ACCEPTED = '{"code":0,"message":"success"}';

const SPEECH_ZH = fixtureText('speech-16k-mono.mp3');
const SPEECH_EN = fixtureText('speech-en-16k-mono.mp3');

/** Figures printed at the end, in order. */
const figures: string[] = [];
function figure(line: string): void {
	figures.push(line);
	process.stdout.write(`[queue-e2e] ${line}\n`);
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}

/** Runs `work` on every item with at most `limit` at once; results in input order. */
async function pool<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(limit, items.length) }, async () => {
			while (next < items.length) {
				const index = next++;
				results[index] = await work(items[index], index);
			}
		}),
	);
	return results;
}

/** POSTs JSON to a production webhook and returns the status and parsed answer. */
async function postJson(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
	const answer = await request(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		headersTimeout: 180_000,
		bodyTimeout: 180_000,
	});
	const text = await answer.body.text();
	try {
		return { status: answer.statusCode, json: JSON.parse(text) as Record<string, unknown> };
	} catch {
		return { status: answer.statusCode, json: { text } };
	}
}

/** Counts of executions per worker name ('?' when no worker log shows it). */
function perWorker(executions: Array<{ worker?: string }>): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const execution of executions) counts[execution.worker ?? '?'] = (counts[execution.worker ?? '?'] ?? 0) + 1;
	return counts;
}

function format(counts: Record<string, number>): string {
	return Object.entries(counts)
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([name, count]) => `${name} ${count}`)
		.join(', ');
}

/** The trigger's task id in an execution ('' when the trigger produced no item). */
function taskIdOf(execution: QueueExecution): string {
	const runs = execution.data.resultData.runData[TRIGGER_NODE];
	const item = runs?.[0]?.data?.main?.[0]?.[0] as OutputItem | undefined;
	return String(item?.json.taskId ?? '');
}

/** CreateRecTask callback fields for a task of `SPEECH_ZH`. */
function callbackFields(taskId: string): Record<string, string> {
	return buildRecTaskCallback({
		taskId,
		appId: TENCENT.appId,
		code: 0,
		message: '',
		text: `[0:0.020,0:6.516]  ${SPEECH_ZH}\n`,
		audioDurationSeconds: 6.516,
		resultDetail: null,
	});
}

/** `count` task ids unique to `scenario` (uint64 values beyond 2^53, as Tencent's). */
function taskIds(scenario: number, count: number): string[] {
	return Array.from({ length: count }, (_, index) => String(18_000_000_000_000_000_000n + BigInt(scenario * 1000 + index)));
}

/** The JSON `code` of an answer body (undefined when it is not a JSON object with one). */
function codeOf(body: string): unknown {
	try {
		return (JSON.parse(body) as { code?: unknown }).code;
	} catch {
		return undefined;
	}
}

/**
 * Every delivery ended accepted with exactly `{"code":0,"message":"success"}`, and no attempt
 * that was not an acceptance carried code 0 (Tencent could read that as success).
 */
function expectDeliveredWithoutFalseSuccess(deliveries: CallbackDelivery[]): void {
	for (const delivery of deliveries) {
		expect(delivery.accepted).toBe(true);
		expect(delivery.attempts[delivery.attempts.length - 1]).toMatchObject({ status: 200, body: ACCEPTED, accepted: true });
		for (const attempt of delivery.attempts.filter((a) => !a.accepted)) {
			expect(codeOf(attempt.body)).not.toBe(0);
			expect(codeOf(attempt.body)).not.toBe('0');
		}
	}
}

/** First attempts that were not accepted, counted by answer: `HTTP 500 code 5001: 3, no answer: 1`. */
function refusedFirstAttempts(deliveries: CallbackDelivery[]): string {
	const counts: Record<string, number> = {};
	for (const delivery of deliveries) {
		const first = delivery.attempts[0];
		if (first.accepted) continue;
		const key = first.status === 0 ? 'no answer' : `HTTP ${first.status} code ${String(codeOf(first.body))}`;
		counts[key] = (counts[key] ?? 0) + 1;
	}
	return Object.entries(counts).map(([key, count]) => `${count}× ${key}`).join(', ') || 'none';
}

/**
 * Each task id has exactly one execution, and it succeeded; else throws an error that shows, per
 * offending task id, Tencent's attempts (status, code, start time) and the executions (id,
 * worker, status, times).
 */
function expectExactlyOnce(map: Map<string, QueueExecution[]>, deliveries: Map<string, CallbackDelivery>): void {
	const wrong = [...map.entries()].filter(([, executions]) => executions.length !== 1 || executions[0].status !== 'success');
	if (wrong.length === 0) return;
	const lines = wrong.map(([id, executions]) => {
		const attempts = (deliveries.get(id)?.attempts ?? [])
			.map((a) => `[${new Date(a.at).toISOString().slice(11, 23)} HTTP ${a.status} code ${String(codeOf(a.body))}${a.error ? ` ${a.error}` : ''}]`)
			.join(' ');
		const runs = executions.map((e) => `[#${e.id} ${e.worker ?? '?'} ${e.status} ${e.startedAt ?? '-'}→${e.stoppedAt ?? '-'}]`).join(' ');
		return `task ${id}: attempts ${attempts || 'none'}; executions ${runs || 'none'}`;
	});
	throw new Error(`${wrong.length} task id(s) not run exactly once:\n${lines.join('\n')}`);
}

/** Map task id → executions of it, for the given ids. */
function byTask(executions: QueueExecution[], ids: string[]): Map<string, QueueExecution[]> {
	const map = new Map<string, QueueExecution[]>(ids.map((id) => [id, []]));
	for (const execution of executions) map.get(taskIdOf(execution))?.push(execution);
	return map;
}

/** True when every id has at least one successful execution. */
function everyTaskSucceeded(executions: QueueExecution[], ids: string[]): boolean {
	const map = byTask(executions, ids);
	return ids.every((id) => map.get(id)!.some((execution) => execution.status === 'success'));
}

describe('queue mode: main + webhook process + 2 workers on PostgreSQL and Redis', () => {
	let cluster: QueueCluster | undefined;
	let files: RunningServer;
	let wechat: WeChatEmulator;
	let tencent: TencentCloudEmulator;
	const urls: Record<string, string> = {};
	const transcripts = new TranscriptRegistry();
	const started = Date.now();

	beforeAll(async () => {
		await ensureN8n();
		const setupStarted = Date.now();
		transcripts.register(fixture('speech-16k-mono.mp3'), SPEECH_ZH, 6.516);
		transcripts.register(fixture('speech-en-16k-mono.mp3'), SPEECH_EN, 4.392);
		files = await startFileServer(FIXTURES_DIR);
		wechat = await startWeChatEmulator({ ...WECHAT, transcripts });
		tencent = await startTencentCloudEmulator({ ...TENCENT, sdkAppIds: [SDK_APP_ID], transcripts });

		cluster = await QueueCluster.create({ workers: 2 });
		const created = Date.now();
		await cluster.importCredentials([
			{ id: 'cnSpeechWeChat01', name: 'WeChat account', type: 'weChatApi', data: { ...WECHAT, baseUrl: wechat.url, tokenEndpoint: 'stable' } },
			{
				id: 'cnSpeechTencent01',
				name: 'Tencent Cloud account',
				type: 'tencentCloudApi',
				data: { secretId: TENCENT.secretId, secretKey: TENCENT.secretKey, appId: String(TENCENT.appId), endpoint: tencent.url },
			},
		]);
		const credentialsImported = Date.now();
		await cluster.importWorkflows(queueWorkflows(CALLBACK_TOKEN, SDK_APP_ID));
		await cluster.publish(Object.values(QWF));
		const imported = Date.now();
		const ready = await cluster.start();
		const nodeOf = { [QWF.wechat]: 'Webhook', [QWF.ccc]: 'Webhook' } as Record<string, string>;
		for (const id of Object.values(QWF)) urls[id] = await cluster.waitForWebhook(id, nodeOf[id] ?? TRIGGER_NODE);
		figure(
			`setup: PostgreSQL ${cluster.postgres.port} + Redis ${cluster.redis.port} + 4 user folders with the package ${((created - setupStarted) / 1000).toFixed(1)} s; ` +
				`n8n import:credentials (with the migrations) ${((credentialsImported - created) / 1000).toFixed(1)} s, import:workflow + publish ${((imported - credentialsImported) / 1000).toFixed(1)} s; ` +
				`processes ready ${Object.entries(ready)
					.map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
					.join(', ')}; webhooks served ${((Date.now() - imported) / 1000).toFixed(1)} s after start`,
		);
		for (const process of [cluster.main, cluster.webhook, ...cluster.workers]) {
			expect(process.output).not.toMatch(/Failed to load package "n8n-nodes-cn-speech"/);
		}
	}, INSTALL_TIMEOUT_MS);

	afterAll(async () => {
		await cluster?.dispose();
		await Promise.all([files?.close(), wechat?.close(), tencent?.close()]);
		figure(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
		process.stdout.write(`\n===== queue mode figures =====\n${figures.join('\n')}\n==============================\n`);
	});

	test('(a)(b) WeChat: right transcripts on both workers, one access_token fetch shared through the credential store', async () => {
		const c = cluster!;
		const url = urls[QWF.wechat];
		const inputs = Array.from({ length: 24 }, (_, index) =>
			index % 2 === 0
				? { audioUrl: `${files.url}/speech-16k-mono.mp3`, language: 'zh_CN', expected: SPEECH_ZH }
				: { audioUrl: `${files.url}/speech-en-16k-mono.mp3`, language: 'en_US', expected: SPEECH_EN },
		);
		// the first run fetches the token and n8n stores it in the credential
		const first = await postJson(url, inputs[0]);
		expect(first.status).toBe(200);
		expect(first.json).toMatchObject({ text: SPEECH_ZH, notice: '', complete: true });
		expect(wechat.tokenCalls).toEqual({ classic: 0, stable: 1, forced: 0 });
		const rest = await pool(inputs.slice(1), 8, async (input) => await postJson(url, { audioUrl: input.audioUrl, language: input.language }));
		const answers = [first, ...rest];
		answers.forEach((answer, index) => {
			expect(answer.status).toBe(200);
			// WeChat's result window is 10 s after the upload: a run starved of CPU longer than that gets '' and a notice
			expect({ text: answer.json.text, notice: answer.json.notice, complete: answer.json.complete }).toEqual({ text: inputs[index].expected, notice: '', complete: true });
		});
		const ids = answers.map((answer) => String(answer.json.executionId));
		expect(new Set(ids).size).toBe(24);
		const executions = await c.waitForExecutions(
			[QWF.wechat],
			(list) => ids.every((id) => list.some((execution) => execution.id === id && execution.worker !== undefined)),
			60_000,
		);
		const ours = executions.filter((execution) => ids.includes(execution.id));
		expect(ours.every((execution) => execution.status === 'success' && execution.mode === 'webhook')).toBe(true);
		const workers = perWorker(ours);
		const afterFirst = perWorker(ours.filter((execution) => execution.id !== ids[0]));
		// both workers ran WeChat runs after the token was stored, and nobody fetched another one
		expect(Object.keys(afterFirst).sort()).toEqual(['worker-1', 'worker-2']);
		expect(wechat.tokenCalls).toEqual({ classic: 0, stable: 1, forced: 0 });
		expect(wechat.uploads).toHaveLength(24);
		// the shared token and the secrets stay in the credential store: not in answers or stored executions
		const stored = JSON.stringify([answers, ours.map((execution) => execution.data)]);
		for (const secret of [WECHAT.appSecret, ...wechat.issuedTokens()]) expect(stored).not.toContain(secret);
		figure(`(a) WeChat: 24/24 transcripts right (12 zh_CN, 12 en_US); executions per worker: ${format(workers)}`);
		figure(`(b) WeChat access_token fetches for 24 runs on 2 workers: ${wechat.tokenCalls.stable} (first run on ${ours.find((e) => e.id === ids[0])?.worker})`);
	});

	test('(c) Contact Center: 10 uploads from both workers at once, each file exactly once, 1 request/s kept', async () => {
		const c = cluster!;
		const names = Array.from({ length: 10 }, (_, index) => `queue-prompt-${String(index + 1).padStart(2, '0')}`);
		const before = tencent.requests.length;
		const begun = Date.now();
		const answers = await pool(names, 10, async (name, index) =>
			postJson(urls[QWF.ccc], { name, audioUrl: `${files.url}/${index % 2 === 0 ? 'speech-16k-mono.mp3' : 'speech-16k-mono.wav'}` }),
		);
		const seconds = (Date.now() - begun) / 1000;
		for (const answer of answers) expect(answer.status).toBe(200);
		expect(answers.map((answer) => answer.json.customFileName).sort()).toEqual(names);
		const uploads = tencent.uploads.filter((upload) => names.includes(upload.CustomFileName));
		// exactly once each at Tencent, and the FileIds the workflows got are those files
		expect(uploads.map((upload) => upload.CustomFileName).sort()).toEqual(names);
		expect(answers.map((answer) => Number(answer.json.fileId)).sort((a, b) => a - b)).toEqual(uploads.map((upload) => upload.FileId).sort((a, b) => a - b));
		const calls = tencent.requests.slice(before).filter((record) => record.action === 'UploadIvrAudio');
		const accepted = calls.filter((record) => record.ok);
		const limited = calls.filter((record) => record.errorCode?.startsWith('RequestLimitExceeded'));
		expect(accepted).toHaveLength(10);
		expect(calls.length - accepted.length - limited.length).toBe(0);
		const gaps = accepted.slice(1).map((record, index) => record.at - accepted[index].at);
		const ids = answers.map((answer) => String(answer.json.executionId));
		const executions = await c.waitForExecutions([QWF.ccc], (list) => ids.every((id) => list.some((e) => e.id === id && e.worker)), 60_000);
		const workers = perWorker(executions.filter((execution) => ids.includes(execution.id)));
		expect(Object.keys(workers).sort()).toEqual(['worker-1', 'worker-2']);
		figure(
			`(c) Contact Center: 10/10 files uploaded exactly once in ${seconds.toFixed(1)} s; executions per worker: ${format(workers)}; ` +
				`UploadIvrAudio calls: ${accepted.length} accepted, ${limited.length} answered RequestLimitExceeded and retried; ` +
				`smallest gap between accepted calls ${Math.min(...gaps)} ms`,
		);
	});

	test('(d) ASR callbacks: answered by the webhook process, run on the workers, each task id exactly once', async () => {
		const c = cluster!;
		const received = taskIds(1, 60);
		const finished = taskIds(2, 10);
		// strangers are refused by the webhook process; main serves no production webhook
		const stranger = await request(`${urls[QWF.received]}?token=wrong-token`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'code=0&requestId=1&text=forged',
		});
		expect(stranger.statusCode).toBe(403);
		expect(JSON.parse(await stranger.body.text())).toMatchObject({ code: 4003 });
		const onMain = await request(urls[QWF.received].replace(c.webhookBaseUrl, c.mainBaseUrl) + `?token=${CALLBACK_TOKEN}`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'code=0&requestId=2&text=to-main',
		});
		await onMain.body.dump();
		const mainAnswer = `HTTP ${onMain.statusCode}`;
		expect(onMain.statusCode).not.toBe(200);

		const begun = Date.now();
		const send = async (ids: string[], url: string) =>
			await pool(ids, 10, async (id) => await sendAsrCallback(`${url}?token=${CALLBACK_TOKEN}`, callbackFields(id), { timeoutMs: 180_000, retryIntervalMs: 1000 }));
		const [receivedDeliveries, finishedDeliveries] = await Promise.all([send(received, urls[QWF.received]), send(finished, urls[QWF.finished])]);
		const seconds = (Date.now() - begun) / 1000;
		const deliveries = [...receivedDeliveries, ...finishedDeliveries];
		// every callback acknowledged exactly (a first attempt n8n could not take, e.g. its 503
		// "Database is not ready!" under load, is retried by Tencent, never answered code 0)
		expectDeliveredWithoutFalseSuccess(deliveries);
		const firstAccepted = deliveries.filter((delivery) => delivery.attempts[0].accepted).length;
		const all = [...received, ...finished];
		const executions = await c.waitForExecutions(
			[QWF.received, QWF.finished],
			(list) => everyTaskSucceeded(list, all) && list.every((execution) => execution.worker !== undefined),
			120_000,
		);
		const map = byTask(executions, all);
		expectExactlyOnce(map, new Map(all.map((id, index) => [id, deliveries[index]])));
		expect(executions.filter((execution) => all.includes(taskIdOf(execution)))).toHaveLength(70);
		expect(executions.filter((execution) => !all.includes(taskIdOf(execution)))).toEqual([]);
		const transcript = nodeOutput(map.get(received[0])![0], 'Transcript')[0].json;
		expect(String(transcript.text)).toContain(SPEECH_ZH);
		const workers = perWorker(executions);
		expect(Object.keys(workers).sort()).toEqual(['worker-1', 'worker-2']);
		figure(
			`(d) ASR callbacks: 60/60 (When Received) + 10/10 (When the Workflow Has Finished) answered ${ACCEPTED} by the webhook process in ${seconds.toFixed(1)} s ` +
				`(${firstAccepted}/70 on the first attempt; refused first attempts: ${refusedFirstAttempts(deliveries)}); ` +
				`70 task ids, 70 successful executions, none twice; executions per worker: ${format(workers)}; wrong token → 403; POST to main → ${mainAnswer}`,
		);
	});

	test('(e) the database refuses to store executions: Tencent gets a non-zero code, never code 0; its retry is stored', async () => {
		const c = cluster!;
		const received = taskIds(3, 3);
		const finished = taskIds(4, 3);
		const all = [...received, ...finished];
		await c.postgres.sql(`
			CREATE FUNCTION cn_speech_refuse_executions() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'queue e2e: this database refuses to store executions'; END $$;
			CREATE TRIGGER cn_speech_refuse BEFORE INSERT ON execution_entity FOR EACH ROW EXECUTE FUNCTION cn_speech_refuse_executions();`);
		let refused = true;
		let firstAttempts = 0;
		let release: () => void = () => undefined;
		const restored = new Promise<void>((resolvePromise) => (release = resolvePromise));
		const options = {
			timeoutMs: 120_000,
			retryIntervalMs: 0,
			beforeRetry: async () => {
				firstAttempts += 1;
				await restored;
			},
		};
		const deliveries = Promise.all(
			[...received.map((id) => [id, urls[QWF.received]]), ...finished.map((id) => [id, urls[QWF.finished]])].map(
				async ([id, url]) => await sendAsrCallback(`${url}?token=${CALLBACK_TOKEN}`, callbackFields(id), options),
			),
		);
		let settled = false;
		void deliveries.finally(() => (settled = true));
		try {
			// wait (poll) until all six first attempts were answered, then let the database accept again
			const waitStarted = Date.now();
			while (firstAttempts < all.length && !settled) {
				if (Date.now() - waitStarted > 120_000) throw new Error(`only ${firstAttempts} first attempts answered`);
				await sleep(100);
			}
			expect(firstAttempts).toBe(all.length);
			// nothing was stored while the database refused
			const stored = byTask(await c.executions([QWF.received, QWF.finished], { includeUnfinished: true }), all);
			expect([...stored.values()].flat()).toEqual([]);
		} finally {
			if (refused) {
				await c.postgres.sql('DROP TRIGGER cn_speech_refuse ON execution_entity; DROP FUNCTION cn_speech_refuse_executions();');
				refused = false;
			}
			release();
		}
		const results: CallbackDelivery[] = await deliveries;
		expectDeliveredWithoutFalseSuccess(results);
		results.forEach((delivery, index) => {
			expect(delivery.attempts).toHaveLength(2);
			const [first] = delivery.attempts;
			expect(first.status).toBeGreaterThanOrEqual(500);
			// the trigger's codes (n8n's own 503 "Database is not ready!" would be non-zero too)
			if (first.status === 500) expect(codeOf(first.body)).toBe(index < received.length ? 5000 : 5001);
		});
		const firstAnswers = results.map((delivery) => `HTTP ${delivery.attempts[0].status} ${delivery.attempts[0].body}`);
		const executions = await c.waitForExecutions([QWF.received, QWF.finished], (list) => everyTaskSucceeded(list, all), 120_000);
		expectExactlyOnce(byTask(executions, all), new Map(all.map((id, index) => [id, results[index]])));
		figure(
			`(e) database refusing inserts: 6/6 first attempts answered non-zero (When Received: ${firstAnswers[0]}; When Finished: ${firstAnswers[3]}); ` +
				`6/6 retries after the database recovered answered ${ACCEPTED}; 6 task ids, 6 successful executions, nothing lost`,
		);
	});

	test('(f) a worker killed mid-run: "When the Workflow Has Finished" loses nothing; what "When Received" loses is counted', async () => {
		const c = cluster!;
		const finished = taskIds(5, 20);
		const received = taskIds(6, 20);
		const victim = c.workers[0];
		const before = victim.startedExecutions();
		const slow = [QWF.slowFinished, QWF.slowReceived];
		const retryIntervalMs = 1000;
		const options = { timeoutMs: 180_000, retryIntervalMs };
		// Tencent sends both kinds of callbacks mixed, as tasks finish
		const deliveries = Promise.all(
			finished.flatMap((id, index) => [
				sendAsrCallback(`${urls[QWF.slowFinished]}?token=${CALLBACK_TOKEN}`, callbackFields(id), options),
				sendAsrCallback(`${urls[QWF.slowReceived]}?token=${CALLBACK_TOKEN}`, callbackFields(received[index]), options),
			]),
		);
		// kill the worker while it runs executions of both workflows (polling the database and its
		// log); if after 20 s it has none of "When Received", kill it while it runs "When Finished" ones
		const waitStarted = Date.now();
		let held: QueueExecution[] = [];
		for (;;) {
			held = (await c.executions(slow, { includeUnfinished: true })).filter(
				(execution) => execution.status === 'running' && victim.startedExecutions().has(execution.id) && !before.has(execution.id),
			);
			const kinds = new Set(held.map((execution) => execution.workflowId));
			if (kinds.size === 2 || (kinds.has(QWF.slowFinished) && Date.now() - waitStarted > 20_000)) break;
			if (Date.now() - waitStarted > 120_000) throw new Error(`${victim.name} never ran a "When Finished" execution:\n${victim.tail()}`);
			await sleep(100);
		}
		const killedAt = Date.now();
		await victim.stop('SIGKILL');
		const unfinishedAtKill = [...victim.startedExecutions()].filter((id) => !before.has(id) && !victim.finishedExecutions().has(id));

		const results = await deliveries;
		const finishedResults = results.filter((_, index) => index % 2 === 0);
		const receivedResults = results.filter((_, index) => index % 2 === 1);
		// the guarantee: every "When Finished" callback was acknowledged in the end, never with
		// code 0 before its run succeeded ...
		expectDeliveredWithoutFalseSuccess(finishedResults);
		// ... and every task id has a successful execution
		await c.waitForExecutions(slow, (list) => everyTaskSucceeded(list, finished), 180_000, (list) => {
			const map = byTask(list, finished);
			return `${finished.filter((id) => !map.get(id)!.some((e) => e.status === 'success')).length} "When Finished" task(s) without a successful execution`;
		});
		// then wait (bounded) until n8n has ended every execution of both workflows (it fails the
		// dead worker's jobs after its stall check): "When Received" is counted, not asserted
		let all = await c.executions(slow, { includeUnfinished: true });
		const unfinished = (list: QueueExecution[]) => list.filter((e) => ['new', 'running', 'waiting'].includes(e.status));
		const endWait = Date.now();
		while (unfinished(all).length > 0 && Date.now() - endWait < 60_000) {
			await sleep(500);
			all = await c.executions(slow, { includeUnfinished: true });
		}
		const finishedMap = byTask(all, finished);
		const receivedMap = byTask(all, received);
		// the sender retries retryIntervalMs after the first answer: when the webhook process answered
		// the runs the dead worker held (code 5001 after n8n's stall check)
		const answeredAfterKill = finishedResults
			.filter((delivery) => delivery.attempts.length === 2 && codeOf(delivery.attempts[0].body) === 5001 && delivery.attempts[0].at < killedAt)
			.map((delivery) => (delivery.attempts[1].at - retryIntervalMs - killedAt) / 1000);
		const duplicates = finished.filter((id) => finishedMap.get(id)!.filter((e) => e.status === 'success').length > 1).length;
		const receivedAcked = receivedResults.filter((delivery) => delivery.accepted && delivery.attempts.length === 1).length;
		const receivedLost = received.filter((id) => !receivedMap.get(id)!.some((e) => e.status === 'success')).length;
		const statusCounts = (list: QueueExecution[]) =>
			format(list.reduce<Record<string, number>>((counts, e) => ({ ...counts, [e.status]: (counts[e.status] ?? 0) + 1 }), {}));
		const ofWorkflow = (id: string) => all.filter((execution) => execution.workflowId === id);
		figure(
			`(f) ${victim.name} killed (SIGKILL) ${((killedAt - waitStarted) / 1000).toFixed(1)} s after the callbacks started, while running ` +
				`${held.filter((e) => e.workflowId === QWF.slowFinished).length} "When Finished" and ${held.filter((e) => e.workflowId === QWF.slowReceived).length} "When Received" execution(s) ` +
				`(its log: ${unfinishedAtKill.length} started, unfinished)`,
		);
		figure(
			`(f) When the Workflow Has Finished: 20/20 callbacks acknowledged with code 0 in the end; refused first attempts (retried by Tencent): ${refusedFirstAttempts(finishedResults)}` +
				`${answeredAfterKill.length ? ` (the ${answeredAfterKill.length} held by the dead worker answered ${Math.min(...answeredAfterKill).toFixed(1)}–${Math.max(...answeredAfterKill).toFixed(1)} s after the kill)` : ''}; ` +
				`20/20 task ids with a successful execution (${duplicates} twice); executions: ${statusCounts(ofWorkflow(QWF.slowFinished))}`,
		);
		figure(
			`(f) When Received: ${receivedAcked}/20 acknowledged with code 0 on the first attempt (refused first attempts: ${refusedFirstAttempts(receivedResults)}); ` +
				`${receivedLost}/20 task ids never produced a successful execution (lost); ` +
				`executions: ${statusCounts(ofWorkflow(QWF.slowReceived))}`,
		);
		expect(everyTaskSucceeded(all, finished)).toBe(true);
	});
});
