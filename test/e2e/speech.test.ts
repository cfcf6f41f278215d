/**
 * The main job (`npm run e2e`): every example workflow in `examples/` runs inside a real n8n
 * 2.x process with this package installed as the Community Nodes screen installs it, against the
 * local emulators of each vendor API, on the committed fixture audio.
 *
 * - WeChat: the short spoken mp3, and the 2.6 MB meeting recording split into ≥ 3 parts.
 * - Coze: from an audio URL and from a downloaded binary file.
 * - Tencent Cloud ASR: Transcribe (CreateRecTask + DescribeTaskStatus polling).
 * - Tencent Cloud Contact Center: IVR upload of two prompts, then Get Many.
 * - The callback loop: the trigger workflow is published and served by `n8n start`; the submit
 *   workflow creates a task whose CallbackUrl is the trigger's production URL with its token;
 *   the emulator posts the form-urlencoded callback; the trigger workflow's execution, read from
 *   n8n's database, holds the transcript. A callback with a wrong token is refused with 403.
 *   Then the same with the legacy signed API (aai.qcloud.com) and its callback format.
 *
 * The Tencent Cloud credential's custom endpoint is a path-routing gateway (test/emulators/gateway.ts) in
 * front of the API 3.0 and legacy emulators, as a private gateway would front Tencent's hosts.
 *
 * The workflows are the example files byte for byte except for the placeholders a user edits:
 * `https://example.com/…` audio URLs (→ the local file server), the callback URL's host
 * (→ this n8n) and the callback token. Transcripts are printed at the end.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';

import { inspectMp3, splitMp3 } from '../../nodes/common/mp3';
import { startFileServer, TranscriptRegistry, type RunningServer } from '../emulators/common';
import { startGateway } from '../emulators/gateway';
import { FIXTURES_DIR, fixture, fixtureTable, fixtureText } from '../helpers/fixtures';
import { startCozeEmulator, type CozeEmulator } from '../emulators/coze';
import { startTencentCloudEmulator, type TencentCloudEmulator } from '../emulators/tencentCloud';
import { startTencentLegacyAsrEmulator, type TencentLegacyAsrEmulator } from '../emulators/tencentLegacyAsr';
import { startWeChatEmulator, type WeChatEmulator } from '../emulators/wechat';
import { N8nInstance, REPO_ROOT, ensureN8n, nodeOutput, type OutputItem, type WorkflowFixture } from './n8n';

const INSTALL_TIMEOUT_MS = 40 * 60 * 1000;
const AUDIO_DIR = FIXTURES_DIR;
const EXAMPLES_DIR = join(REPO_ROOT, 'examples');

const SPEECH = fixture('speech-16k-mono.mp3');
const SPEECH_TEXT = fixtureText('speech-16k-mono.mp3');
const SPEECH_WAV = fixture('speech-16k-mono.wav');
const SPEECH_WAV_TEXT = fixtureText('speech-16k-mono.wav');
const LONG = fixture('long-16k-mono.mp3');
const LONG_TEXT = fixtureText('long-16k-mono.mp3');
const LONG_SEGMENTS = fixtureTable.files['long-16k-mono.mp3'].segments!;

/** Credentials the emulators know; the e2e run imports them into n8n (n8n encrypts them). */
const WECHAT = { appId: 'wxe2e0123456789abc', appSecret: 'e2e-wechat-app-secret-0123456789ab' };
const COZE_TOKEN = 'pat_e2eCozeToken0123456789abcdefghijklmnop';
const TENCENT = { secretId: 'AKIDe2eSecretId0123456789', secretKey: 'e2e-tencent-secret-key-0123456789', appId: 1250000001 };
const SDK_APP_ID = 1400000000;
/** The callback token written into the trigger and the callback URL in place of the example's placeholder. */
const CALLBACK_TOKEN = 'e2e-callback-token-4f9a1c07d2b8e635';

/** Example workflow ids (fixed in the files, so users' imports stay stable). */
const WF = {
	wechat: 'cnSpeechWeChatTr01',
	wechatLong: 'cnSpeechWeChatLong1',
	coze: 'cnSpeechCozeTr0001',
	cozeBinary: 'cnSpeechCozeBin001',
	tencentTranscribe: 'cnSpeechTcAsrTr01',
	ccc: 'cnSpeechTcCccUp01',
	callbackReceive: 'cnSpeechTcAsrCbRx1',
	callbackSubmit: 'cnSpeechTcAsrCbTx1',
	legacySubmit: 'cnSpeechTcAsrLgTx1',
} as const;

/** Examples that another e2e file runs: flash.test.ts (flash recognition with subtitles). */
const OWN_E2E_FILES = new Set(['tencent-asr-flash-subtitles.json']);

/** Strips Tencent's `[m:s.mmm,m:s.mmm]  ` sentence stamps and line breaks from a Result text. */
function plainTencentText(result: string): string {
	return result.replace(/\[[^\]]*\]\s*/g, '').replace(/\s*\n\s*/g, '');
}

function single(items: OutputItem[], what: string): OutputItem {
	if (items.length !== 1) throw new Error(`${what}: expected 1 item, got ${items.length}`);
	return items[0];
}

describe('example workflows in a real n8n, against the vendor emulators', () => {
	let n8n: N8nInstance | undefined;
	let files: RunningServer;
	let wechat: WeChatEmulator;
	let coze: CozeEmulator;
	let tencent: TencentCloudEmulator;
	let legacy: TencentLegacyAsrEmulator;
	let gateway: RunningServer;
	const transcripts = new TranscriptRegistry();
	const printed: string[] = [];
	let longParts: ReturnType<typeof splitMp3>;

	beforeAll(async () => {
		await ensureN8n();
		transcripts.register(SPEECH, SPEECH_TEXT, 6.516);
		transcripts.register(SPEECH_WAV, SPEECH_WAV_TEXT, 6.41);
		// The meeting recording: each 1 MB part is "recognised" as the paragraphs whose middle
		// falls inside it, so the parts joined in order must give back the whole text.
		longParts = splitMp3(LONG, inspectMp3(LONG), 1_048_576);
		for (const part of longParts) {
			const text = LONG_SEGMENTS.filter((s) => {
				const middle = (s.startSeconds + s.endSeconds) / 2;
				return middle >= part.startSeconds && middle < part.endSeconds;
			})
				.map((s) => s.text)
				.join('');
			transcripts.register(part.data, text, part.endSeconds - part.startSeconds);
		}

		files = await startFileServer(AUDIO_DIR);
		wechat = await startWeChatEmulator({ ...WECHAT, transcripts });
		coze = await startCozeEmulator({ tokens: { [COZE_TOKEN]: { scopes: ['createTranscription'] } }, transcripts });
		tencent = await startTencentCloudEmulator({ ...TENCENT, sdkAppIds: [SDK_APP_ID], transcripts });
		legacy = await startTencentLegacyAsrEmulator({ ...TENCENT, transcripts });
		gateway = await startGateway([
			{ prefix: '/asr/v1/', target: legacy.url },
			{ prefix: '/', target: tencent.url },
		]);

		n8n = await N8nInstance.create();
		await n8n.importCredentials([
			{ id: 'cnSpeechWeChat01', name: 'WeChat account', type: 'weChatApi', data: { ...WECHAT, baseUrl: wechat.url, grantEndpoint: 'stable' } },
			{ id: 'cnSpeechCoze0001', name: 'Coze account', type: 'cozeApi', data: { accessToken: COZE_TOKEN, baseUrl: 'custom', customBaseUrl: coze.url } },
			{
				id: 'cnSpeechTencent01',
				name: 'Tencent Cloud account',
				type: 'tencentCloudApi',
				data: { secretId: TENCENT.secretId, secretKey: TENCENT.secretKey, appId: String(TENCENT.appId), endpoint: gateway.url },
			},
		]);

		// The example files with only what a user edits replaced.
		const workflows = readdirSync(EXAMPLES_DIR)
			.filter((name) => name.endsWith('.json') && !OWN_E2E_FILES.has(name))
			.map((name) => {
				const text = readFileSync(join(EXAMPLES_DIR, name), 'utf8')
					.split('https://example.com/')
					.join(`${files.url}/`)
					.split('https://n8n.example.com/')
					.join(`${n8n!.baseUrl}/`)
					.split('replace-with-a-long-random-token')
					.join(CALLBACK_TOKEN);
				return JSON.parse(text) as WorkflowFixture;
			});
		expect(workflows.map((w) => w.id).sort()).toEqual(Object.values(WF).sort());
		await n8n.importWorkflows(workflows);
	}, INSTALL_TIMEOUT_MS);

	afterAll(async () => {
		await n8n?.dispose();
		await Promise.all([files?.close(), wechat?.close(), coze?.close(), tencent?.close(), legacy?.close(), gateway?.close()]);
		if (printed.length > 0) {
			process.stdout.write(`\n===== transcripts produced inside n8n =====\n${printed.join('\n')}\n===========================================\n`);
		}
	});

	test('every package node loads in n8n without errors', () => {
		expect(n8n!.packageLoadErrors()).toEqual([]);
	});

	test('WeChat: download an mp3 → Transcribe (token fetched by the credential)', async () => {
		const run = await n8n!.execute(WF.wechat);
		const { json } = single(nodeOutput(run, 'WeChat'), 'WeChat');
		expect(json.text).toBe(SPEECH_TEXT);
		expect(json).toMatchObject({ language: 'zh_CN', complete: true, sampleRate: 16000, channels: 1 });
		expect(typeof json.voiceId).toBe('string');
		expect(wechat.tokenCalls.stable).toBeGreaterThanOrEqual(1);
		printed.push(`WeChat (speech-16k-mono.mp3): ${String(json.text)}`);
	});

	test('WeChat: a 2.6 MB recording is split into 1 MB parts and the texts joined in order', async () => {
		expect(longParts.length).toBeGreaterThanOrEqual(3);
		const uploadsBefore = wechat.uploads.length;
		const run = await n8n!.execute(WF.wechatLong);
		const { json } = single(nodeOutput(run, 'WeChat'), 'WeChat');
		expect(json.text).toBe(LONG_TEXT);
		const parts = json.parts as Array<{ index: number; startSeconds: number; endSeconds: number; voiceId: string; text: string }>;
		expect(parts).toHaveLength(longParts.length);
		parts.forEach((part, index) => {
			expect(part.index).toBe(index);
			expect(part.startSeconds).toBeCloseTo(longParts[index].startSeconds, 3);
			expect(part.endSeconds).toBeCloseTo(longParts[index].endSeconds, 3);
		});
		expect(new Set(parts.map((part) => part.voiceId)).size).toBe(longParts.length);
		expect(wechat.uploads.length - uploadsBefore).toBe(longParts.length);
		// the access_token fetched by the first workflow was stored by n8n and reused by this one
		expect(wechat.tokenCalls).toEqual({ classic: 0, stable: 1, forced: 0 });
		printed.push(
			`WeChat (long-16k-mono.mp3, ${LONG.length} bytes, ${parts.length} parts):`,
			...parts.map((part) => `  part ${part.index + 1} ${part.startSeconds.toFixed(1)}–${part.endSeconds.toFixed(1)} s: ${part.text}`),
		);
	});

	test('Coze: Transcribe from an audio URL', async () => {
		const run = await n8n!.execute(WF.coze);
		const { json } = single(nodeOutput(run, 'Coze'), 'Coze');
		expect(json.text).toBe(SPEECH_TEXT);
		expect(String(json.logId)).toMatch(/\S/);
		printed.push(`Coze, audio URL (speech-16k-mono.mp3): ${String(json.text)}  [logId ${String(json.logId)}]`);
	});

	test('Coze: Transcribe a downloaded wav file from a binary property', async () => {
		const run = await n8n!.execute(WF.cozeBinary);
		const { json } = single(nodeOutput(run, 'Coze'), 'Coze');
		expect(json.text).toBe(SPEECH_WAV_TEXT);
		expect(json.format).toBe('wav');
		expect(coze.requests.filter((r) => r.path === '/v1/audio/transcriptions' && r.status === 200).every((r) => r.partNames.includes('file'))).toBe(true);
		printed.push(`Coze, binary (speech-16k-mono.wav): ${String(json.text)}`);
	});

	test('Tencent Cloud ASR: Transcribe creates a task and waits for the result', async () => {
		const run = await n8n!.execute(WF.tencentTranscribe);
		const { json } = single(nodeOutput(run, 'Tencent Cloud ASR'), 'Tencent Cloud ASR');
		expect(json).toMatchObject({ status: 2, statusText: 'success' });
		expect(plainTencentText(String(json.text))).toBe(SPEECH_TEXT);
		expect(String(json.taskId)).toMatch(/^\d+$/);
		// uint64 task ids beyond 2^53 survive as strings
		expect(BigInt(String(json.taskId))).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
		printed.push(`Tencent Cloud ASR Transcribe (task ${String(json.taskId)}): ${plainTencentText(String(json.text))}`);
	});

	test('Tencent Cloud Contact Center: two IVR prompts uploaded in one request, then listed', async () => {
		const run = await n8n!.execute(WF.ccc);
		const uploaded = nodeOutput(run, 'Upload IVR Audio').map((item) => item.json);
		expect(uploaded).toHaveLength(2);
		expect(uploaded.map((file) => file.CustomFileName)).toEqual(['welcome-message', 'closing-message']);
		for (const file of uploaded) expect(file.FileId).toEqual(expect.any(Number));
		expect(tencent.requests.filter((r) => r.action === 'UploadIvrAudio')).toHaveLength(1);
		const listed = nodeOutput(run, 'List IVR Audio').map((item) => item.json);
		expect(listed.map((file) => file.FileId).sort()).toEqual(uploaded.map((file) => file.FileId).sort());
		printed.push(`Tencent CCC IVR upload: ${uploaded.map((f) => `${String(f.CustomFileName)} → FileId ${String(f.FileId)} (${String(f.statusText ?? f.Status)})`).join(', ')}`);
	});

	test('the callback loop: a task created with the trigger workflow’s production URL starts that workflow with the transcript', async () => {
		await n8n!.publish(WF.callbackReceive);
		await n8n!.start();
		const path = await (async () => {
			for (let attempt = 0; attempt < 120; attempt++) {
				const found = await n8n!.webhookPathOf(WF.callbackReceive, 'Tencent Cloud ASR Trigger');
				if (found) return found;
				await new Promise((resolve) => setTimeout(resolve, 250));
			}
			throw new Error(`the trigger's webhook was never registered:\n${n8n!.logTail()}`);
		})();
		const { url } = await n8n!.waitForProductionWebhook(path, 'POST');
		const submit = JSON.parse(readFileSync(join(EXAMPLES_DIR, 'tencent-asr-callback-submit.json'), 'utf8')) as WorkflowFixture;
		const exampleCallbackUrl = JSON.stringify(submit).match(/https:\/\/n8n\.example\.com\/webhook\/([^"?]+)\?/)![1];
		// the example's callback URL points at exactly the path the trigger example registers
		expect(path).toBe(exampleCallbackUrl);

		// strangers are refused and start nothing
		const stranger = await request(`${url}?token=not-the-token`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'code=0&requestId=1&text=forged',
		});
		expect(stranger.statusCode).toBe(403);
		await stranger.body.dump();

		const run = await n8n!.execute(WF.callbackSubmit);
		const created = single(nodeOutput(run, 'Create Task'), 'Create Task').json;
		const taskId = String(created.taskId);
		const task = tencent.tasks.find((t) => t.TaskId === taskId);
		expect(task?.CallbackUrl).toBe(`${url}?token=${CALLBACK_TOKEN}`);

		// the emulator finishes the task and posts the form-urlencoded callback to n8n
		const delivery = await tencent.completeTask(taskId);
		expect(delivery?.fields.requestId).toBe(taskId);
		expect(delivery?.accepted).toBe(true);
		expect(delivery?.attempts.find((attempt) => attempt.accepted)?.body).toBe('{"code":0,"message":"success"}');

		const executions = await n8n!.waitForExecutions(WF.callbackReceive, 1, 60_000);
		expect(executions).toHaveLength(1);
		expect(executions[0].mode).toBe('webhook');
		expect(executions[0].status).toBe('success');
		const trigger = single(nodeOutput(executions[0], 'Tencent Cloud ASR Trigger'), 'trigger').json;
		expect(trigger).toMatchObject({ taskId, code: 0 });
		const transcript = single(nodeOutput(executions[0], 'Transcript'), 'Transcript').json;
		expect(transcript).toMatchObject({ taskId, success: true });
		expect(plainTencentText(String(transcript.text))).toBe(SPEECH_TEXT);
		printed.push(`Tencent ASR callback → trigger workflow (task ${taskId}): ${plainTencentText(String(transcript.text))}`);
	});

	test('the callback loop with the legacy API: Create Legacy Task → the same trigger workflow', async () => {
		// n8n is running with the trigger published (previous test)
		const before = (await n8n!.getExecutions(WF.callbackReceive)).length;
		const run = await n8n!.execute(WF.legacySubmit);
		const created = single(nodeOutput(run, 'Create Legacy Task'), 'Create Legacy Task').json;
		const taskId = String(created.taskId);
		expect(taskId).toMatch(/^\d+$/);
		expect(legacy.requests.filter((r) => r.code === 0).map((r) => String(r.requestId))).toEqual([taskId]);

		const delivery = await legacy.completeTask(Number(taskId));
		expect(delivery.accepted).toBe(true);
		expect(delivery.fields.requestId).toBe(taskId);

		const executions = await n8n!.waitForExecutions(WF.callbackReceive, before + 1, 60_000);
		const latest = executions[executions.length - 1];
		expect(latest.status).toBe('success');
		const trigger = single(nodeOutput(latest, 'Tencent Cloud ASR Trigger'), 'trigger').json;
		expect(trigger).toMatchObject({ taskId, code: 0, appId: String(TENCENT.appId) });
		const transcript = single(nodeOutput(latest, 'Transcript'), 'Transcript').json;
		expect(transcript).toMatchObject({ taskId, success: true });
		expect(plainTencentText(String(transcript.text))).toBe(SPEECH_TEXT);
		printed.push(`Tencent legacy ASR callback → trigger workflow (task ${taskId}): ${plainTencentText(String(transcript.text))}`);
	});

	test('the credentials’ Test buttons inside n8n: good ones pass, a wrong secret, token or key fails with the vendor code', async () => {
		// n8n is running (previous tests); the stored credentials are tested as the editor does
		const wechatCredential = { id: 'cnSpeechWeChat01', name: 'WeChat account', type: 'weChatApi' };
		const wechatData = { ...WECHAT, baseUrl: wechat.url, grantEndpoint: 'stable' };
		expect(await n8n!.testCredential({ ...wechatCredential, data: wechatData })).toMatchObject({ status: 'OK' });
		const wrongSecret = await n8n!.testCredential({ ...wechatCredential, data: { ...wechatData, appSecret: 'wrong-wechat-secret-0123456789ab' } });
		expect(wrongSecret.status).toBe('Error');
		expect(wrongSecret.message).toMatch(/40125/);
		expect(wrongSecret.message).not.toContain('wrong-wechat-secret');

		const cozeCredential = { id: 'cnSpeechCoze0001', name: 'Coze account', type: 'cozeApi' };
		const cozeData = { accessToken: COZE_TOKEN, baseUrl: 'custom', customBaseUrl: coze.url };
		expect(await n8n!.testCredential({ ...cozeCredential, data: cozeData })).toMatchObject({ status: 'OK' });
		expect(await n8n!.testCredential({ ...cozeCredential, data: { ...cozeData, accessToken: 'pat_wrongTokenForTheE2eRun000001' } })).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/^Coze error 4100/),
		});

		const tencentCredential = { id: 'cnSpeechTencent01', name: 'Tencent Cloud account', type: 'tencentCloudApi' };
		const tencentData = { secretId: TENCENT.secretId, secretKey: TENCENT.secretKey, appId: String(TENCENT.appId), endpoint: gateway.url };
		expect(await n8n!.testCredential({ ...tencentCredential, data: tencentData })).toMatchObject({ status: 'OK' });
		const wrongKey = await n8n!.testCredential({ ...tencentCredential, data: { ...tencentData, secretKey: 'wrong-tencent-secret-key-00000001' } });
		expect(wrongKey.status).toBe('Error');
		expect(wrongKey.message).toMatch(/AuthFailure\.SignatureFailure.*RequestId/);
		printed.push(
			`Credential tests in n8n: WeChat wrong secret → "${wrongSecret.message}"`,
			`                         Tencent wrong key → "${wrongKey.message}"`,
		);
	});

	// (n8n's log is not checked here: the harness redacts imported credential values before writing it)
	test('no secret, token or access_token appears in any execution n8n stored', async () => {
		const secrets = [WECHAT.appSecret, COZE_TOKEN, TENCENT.secretKey, ...wechat.issuedTokens()];
		expect(wechat.issuedTokens().length).toBeGreaterThanOrEqual(1);
		const executions = (await Promise.all(Object.values(WF).map((id) => n8n!.getExecutions(id)))).flat();
		expect(executions.length).toBeGreaterThanOrEqual(Object.keys(WF).length - 1);
		const stored = JSON.stringify(executions.map((execution) => execution.data));
		for (const secret of secrets) expect(stored).not.toContain(secret);
		expect(stored).not.toMatch(/access_token=(?!\*|<redacted>)[A-Za-z0-9_-]{10,}/);
	});
});
