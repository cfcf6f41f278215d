/**
 * The fault matrix: every action node against its strict emulator with faults injected on the
 * wire (test/emulators/faults.ts): connection reset before and after the vendor acted, a hung
 * answer (timeout), slow answers, bursts of gateway 5xx and of rate-limit answers, a WeChat token
 * revoked in the middle of a batch, a Tencent server clock more than 5 minutes off. For each: the
 * items end correct or with a clear error, nothing with a side effect (an upload, a task) is done
 * twice, and no secret appears anywhere. The execute-context stand-in wraps failures in
 * NodeApiError as n8n-core does, so the classification under test is the one that runs in n8n.
 */
import type { ICredentialDataDecryptedObject, ICredentialType, IDataObject, INodeExecutionData, INodeType } from 'n8n-workflow';

import { CozeApi } from '../../../credentials/CozeApi.credentials';
import { TencentCloudApi } from '../../../credentials/TencentCloudApi.credentials';
import { WeChatApi } from '../../../credentials/WeChatApi.credentials';
import { Coze } from '../../../nodes/Coze/Coze.node';
import { TencentCloudAsr } from '../../../nodes/TencentCloudAsr/TencentCloudAsr.node';
import { TencentCloudCcc } from '../../../nodes/TencentCloudCcc/TencentCloudCcc.node';
import { WeChat } from '../../../nodes/WeChat/WeChat.node';
import { startFileServer, TranscriptRegistry, type RunningServer } from '../../emulators/common';
import { startCozeEmulator, type CozeEmulator } from '../../emulators/coze';
import { startTencentCloudEmulator, type TencentCloudEmulator } from '../../emulators/tencentCloud';
import { startWeChatEmulator, type WeChatEmulator } from '../../emulators/wechat';
import { FIXTURES_DIR, fixture, fixtureText } from '../../helpers/fixtures';
import { binaryItem, createExecuteContext, expectNoSecrets } from '../../helpers/n8nContext';

const SPEECH = fixture('speech-16k-mono.mp3');
const SPEECH_TEXT = fixtureText('speech-16k-mono.mp3');
const WECHAT = { appId: 'wxfault0123456789', appSecret: 'fault-wechat-secret-0123456789abcd' };
const COZE_TOKEN = 'pat_faultMatrixToken0123456789abcdefghij';
const TENCENT = { secretId: 'AKIDfaultMatrixSecretId01', secretKey: 'fault-tencent-secret-key-0123456789', appId: 1250000099 };
const SDK_APP_ID = 1400000099;

const transcripts = new TranscriptRegistry();
transcripts.register(SPEECH, SPEECH_TEXT, 6.516);
let files: RunningServer;

beforeAll(async () => {
	files = await startFileServer(FIXTURES_DIR);
});
afterAll(async () => await files.close());

interface Run {
	output: INodeExecutionData[];
	error?: Error & { description?: string };
	logs: string[];
}

/** Runs `node` once; a thrown error is returned, not raised. */
async function runNode(
	node: INodeType,
	type: string,
	credential: ICredentialDataDecryptedObject,
	credentialType: ICredentialType,
	parameters: IDataObject | ((itemIndex: number) => IDataObject),
	items: INodeExecutionData[],
	continueOnFail = false,
): Promise<Run> {
	const test = createExecuteContext({
		node,
		parameters,
		items,
		credentials: { [type]: credential },
		credentialTypes: { [type]: credentialType },
		continueOnFail,
	});
	try {
		const [output] = (await node.execute!.call(test.ctx)) as INodeExecutionData[][];
		return { output, logs: test.logs };
	} catch (error) {
		return { output: [], error: error as Error, logs: test.logs };
	}
}

describe('WeChat under faults', () => {
	let emulator: WeChatEmulator;
	beforeEach(async () => {
		emulator = await startWeChatEmulator({ ...WECHAT, transcripts });
	});
	afterEach(async () => await emulator.close());

	const run = async (items: INodeExecutionData[], continueOnFail = false) =>
		await runNode(
			new WeChat(),
			'weChatApi',
			{ ...WECHAT, baseUrl: emulator.url, grantEndpoint: 'stable', accessToken: '', expiresAt: 0 },
			new WeChatApi(),
			{ resource: 'voice', operation: 'transcribe', options: { pollIntervalMs: 200 } },
			items,
			continueOnFail,
		);
	const secrets = () => [WECHAT.appSecret, ...emulator.requests.map((r) => String((r as { accessToken?: string }).accessToken ?? ''))];

	it('a reset before the upload was read: retried, transcribed once', async () => {
		emulator.faults.add({ kind: 'reset-before', match: { action: 'upload' } });
		const result = await run([binaryItem(SPEECH, 'a.mp3')]);
		expect(result.error).toBeUndefined();
		expect(result.output[0].json.text).toBe(SPEECH_TEXT);
		expect(emulator.uploads).toHaveLength(1);
		expectNoSecrets(result, secrets(), result.logs);
	});

	it('a reset after the upload was stored: the retry sends the same voice_id, so WeChat holds one voice', async () => {
		emulator.faults.add({ kind: 'reset-after', match: { action: 'upload' } });
		const result = await run([binaryItem(SPEECH, 'a.mp3')]);
		expect(result.error).toBeUndefined();
		expect(result.output[0].json.text).toBe(SPEECH_TEXT);
		expect(new Set(emulator.uploads).size).toBe(1);
	});

	it('a token revoked in the middle of a batch: one refresh, every item transcribed', async () => {
		emulator.faults.add({ kind: 'token-revoked', match: { action: 'query' }, after: 2 });
		const items = Array.from({ length: 5 }, (_, index) => binaryItem(SPEECH, `call-${index}.mp3`));
		const result = await run(items);
		expect(result.error).toBeUndefined();
		expect(result.output.map((item) => item.json.text)).toEqual(items.map(() => SPEECH_TEXT));
		expect(result.output.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		// the first fetch, and one refresh for all the items in flight
		expect(emulator.tokenCalls.stable).toBe(2);
		expect(emulator.uploads).toHaveLength(5);
		expectNoSecrets(result, secrets(), result.logs);
	});

	it('a burst of gateway 502s and a slow answer: retried, transcribed', async () => {
		emulator.faults.add({ kind: 'http-status', status: 502, match: { action: 'query' }, count: 2 });
		emulator.faults.add({ kind: 'slow', delayMs: 1500, match: { action: 'upload' } });
		const result = await run([binaryItem(SPEECH, 'a.mp3')]);
		expect(result.error).toBeUndefined();
		expect(result.output[0].json.text).toBe(SPEECH_TEXT);
	});

	it('a result query that never answers gives up within the 10-second window with a clear error', async () => {
		emulator.faults.add({ kind: 'hang', match: { action: 'query' }, count: Infinity });
		const started = Date.now();
		const result = await run([binaryItem(SPEECH, 'a.mp3')], true);
		// the window (10 s) plus at most one last attempt of 1 s and the stand-in's overhead
		expect(Date.now() - started).toBeLessThan(30_000);
		expect(String(result.output[0].json.error)).toMatch(/^WeChat error: ECONNABORTED/);
		expect(String(result.output[0].json.description)).toMatch(/reach the WeChat API host/);
		expectNoSecrets(result, secrets(), result.logs);
	}, 90_000);
});

describe('Coze under faults', () => {
	let emulator: CozeEmulator;
	beforeEach(async () => {
		emulator = await startCozeEmulator({ tokens: { [COZE_TOKEN]: { scopes: ['createTranscription'] } }, transcripts });
	});
	afterEach(async () => await emulator.close());

	const run = async (items: INodeExecutionData[]) =>
		await runNode(
			new Coze(),
			'cozeApi',
			{ accessToken: COZE_TOKEN, baseUrl: 'custom', customBaseUrl: emulator.url },
			new CozeApi(),
			{ resource: 'audio', operation: 'transcribe' },
			items,
		);

	it('resets before and after, 5xx and rate-limit bursts: every item transcribed, in order', async () => {
		emulator.faults.add({ kind: 'reset-before', match: { action: 'transcriptions' } });
		emulator.faults.add({ kind: 'http-status', status: 503, match: { action: 'transcriptions' }, count: 2, after: 1 });
		emulator.faults.add({ kind: 'rate-limit', match: { action: 'transcriptions' }, count: 6, after: 2 });
		const items = Array.from({ length: 8 }, (_, index) => binaryItem(SPEECH, `call-${index}.mp3`));
		const result = await run(items);
		expect(result.error).toBeUndefined();
		expect(result.output.map((item) => item.json.text)).toEqual(items.map(() => SPEECH_TEXT));
		expect(result.output.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expectNoSecrets(result, [COZE_TOKEN], result.logs);
	}, 60_000);
});

describe('Tencent Cloud under faults', () => {
	let emulator: TencentCloudEmulator;
	beforeEach(async () => {
		emulator = await startTencentCloudEmulator({ ...TENCENT, sdkAppIds: [SDK_APP_ID], transcripts, taskSteps: { waitingPolls: 1, doingPolls: 1 } });
	});
	afterEach(async () => await emulator.close());

	const credential = () => ({ secretId: TENCENT.secretId, secretKey: TENCENT.secretKey, appId: String(TENCENT.appId), endpoint: emulator.url, keyCheck: '' });
	const asr = async (parameters: IDataObject, items: INodeExecutionData[] = [{ json: {} }], continueOnFail = false) =>
		await runNode(new TencentCloudAsr(), 'tencentCloudApi', credential(), new TencentCloudApi(), { resource: 'recordingRecognition', ...parameters }, items, continueOnFail);
	const ccc = async (items: INodeExecutionData[]) =>
		await runNode(
			new TencentCloudCcc(),
			'tencentCloudApi',
			credential(),
			new TencentCloudApi(),
			(itemIndex: number) => ({ resource: 'ivrAudio', operation: 'upload', sdkAppId: SDK_APP_ID, customFileName: items[itemIndex].json.name, audioUrl: items[itemIndex].json.url }),
			items,
		);
	const transcribe = { operation: 'transcribe', inputType: 'url', audioUrl: '', options: { pollIntervalSeconds: 0.2 } };
	const urlItems = (count: number) => Array.from({ length: count }, () => ({ json: {} }));

	it('CreateRecTask: a reset after Tencent created the task is NOT resent, and the error says what to check', async () => {
		emulator.faults.add({ kind: 'reset-after', match: { action: 'CreateRecTask' } });
		const result = await asr({ ...transcribe, audioUrl: `${files.url}/speech-16k-mono.mp3` });
		expect(result.error?.message).toMatch(/^Tencent Cloud error: ECONNRESET/);
		expect(result.error?.description).toMatch(/NOT resent; check whether the task was created/);
		expect(emulator.tasks).toHaveLength(1);
		expectNoSecrets(result, [TENCENT.secretKey], result.logs);
	});

	it('CreateRecTask: RequestLimitExceeded bursts slow the batch down and fail nothing; each task created once', async () => {
		emulator.faults.add({ kind: 'rate-limit', match: { action: 'CreateRecTask' }, count: 6, after: 1 });
		const result = await asr({ ...transcribe, audioUrl: `${files.url}/speech-16k-mono.mp3` }, urlItems(4));
		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(4);
		expect(result.output.every((item) => item.json.status === 2)).toBe(true);
		expect(emulator.tasks).toHaveLength(4);
	}, 60_000);

	it('DescribeTaskStatus: resets and 502 bursts in the middle of polling are retried; every task completes', async () => {
		emulator.faults.add({ kind: 'reset-before', match: { action: 'DescribeTaskStatus' }, after: 1 });
		emulator.faults.add({ kind: 'reset-after', match: { action: 'DescribeTaskStatus' }, after: 2 });
		emulator.faults.add({ kind: 'http-status', status: 502, match: { action: 'DescribeTaskStatus' }, after: 3, count: 2 });
		const result = await asr({ ...transcribe, audioUrl: `${files.url}/speech-16k-mono.mp3` }, urlItems(3));
		expect(result.error).toBeUndefined();
		expect(result.output.map((item) => item.json.status)).toEqual([2, 2, 2]);
		expect(emulator.tasks).toHaveLength(3);
	}, 60_000);

	it('Get Task: a hung answer times out and is retried (it changes nothing)', async () => {
		const created = await asr({ operation: 'createTask', inputType: 'url', audioUrl: `${files.url}/speech-16k-mono.mp3` });
		emulator.faults.add({ kind: 'hang', match: { action: 'DescribeTaskStatus' } });
		const result = await asr({ operation: 'getTask', taskId: String(created.output[0].json.taskId) });
		expect(result.error).toBeUndefined();
		expect(result.output[0].json.taskId).toBe(created.output[0].json.taskId);
	}, 90_000);

	it("a server clock 10 minutes off: AuthFailure.SignatureExpire saying by how much this machine's clock is off", async () => {
		emulator.faults.add({ kind: 'clock-skew', seconds: 600, count: Infinity });
		const result = await asr({ operation: 'getTask', taskId: '1' }, [{ json: {} }], true);
		expect(String(result.output[0].json.error)).toMatch(/AuthFailure\.SignatureExpire/);
		expect(String(result.output[0].json.description)).toMatch(/about (59\d|60\d) seconds behind Tencent Cloud's/);
		expectNoSecrets(result, [TENCENT.secretKey], result.logs);
	});

	it('Contact Center: a reset after the upload is NOT resent (each file uploaded once), rate limits are waited out', async () => {
		emulator.faults.add({ kind: 'rate-limit', match: { action: 'UploadIvrAudio' }, count: 2 });
		const first = await ccc([{ json: { name: 'welcome', url: `${files.url}/speech-16k-mono.mp3` } }]);
		expect(first.error).toBeUndefined();
		expect(first.output[0].json.CustomFileName).toBe('welcome');
		emulator.faults.add({ kind: 'reset-after', match: { action: 'UploadIvrAudio' } });
		const second = await ccc([{ json: { name: 'closing', url: `${files.url}/speech-16k-mono.mp3` } }]);
		expect(second.error?.description).toMatch(/NOT resent; check with the Get Many operation/);
		expect(emulator.uploads.map((upload) => upload.CustomFileName)).toEqual(['welcome', 'closing']);
	}, 60_000);
});
