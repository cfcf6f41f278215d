/**
 * Tencent Cloud ASR node against the API 3.0 emulator and the legacy emulator over real HTTP,
 * signed by the credential's own authenticate (and key-checked by its preAuthentication): Create
 * Task by URL and by binary data, uint64 TaskIds, Get Task, Transcribe (success, failure, time
 * out, cancel), input checks before any request, the legacy API with its error codes, and no
 * secret in any output or error.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { TencentCloudAsr } from '../../../nodes/TencentCloudAsr/TencentCloudAsr.node';
import { LEGACY_ASR_ERRORS } from '../../../nodes/TencentCloudAsr/transport/legacyAsr';
import { MAX_AUDIO_BYTES } from '../../../nodes/TencentCloudAsr/actions/recordingRecognition/audio';
import { TencentCloudApi } from '../../../credentials/TencentCloudApi.credentials';
import { silentMp3 } from '../../helpers/fixtures';
import { allStrings, binaryItem, createExecuteContext, expectNoSecrets } from '../../helpers/n8nContext';
import { startFileServer, TranscriptRegistry, type RunningServer } from '../../emulators/common';
import { startGateway } from '../../emulators/gateway';
import { encodeTestMp3, encodeTestWav } from '../../emulators/audio';
import { startTencentCloudEmulator, type TencentCloudEmulator } from '../../emulators/tencentCloud';
import { LEGACY_ERROR_NAMES, startTencentLegacyAsrEmulator, type TencentLegacyAsrEmulator } from '../../emulators/tencentLegacyAsr';

const SECRET_ID = 'AKIDasrTestSecretId0001';
const SECRET_KEY = 'asr-test-secret-key-do-not-leak-0001';
const SESSION_TOKEN = 'asr-test-session-token-do-not-leak';
const APP_ID = 1250000001;
const node = new TencentCloudAsr();


const transcripts = new TranscriptRegistry();
const speech = encodeTestWav(2.4, 16000, 7);
const speechMp3 = encodeTestMp3(3, 9);
const TEXT = '今天天气很好。我们出去走走吧！';
let dir: string;
let files: RunningServer;

beforeAll(async () => {
	transcripts.register(speech, TEXT, 2.4);
	transcripts.register(speechMp3, 'mp3 speech.', 3);
	dir = await mkdtemp(join(tmpdir(), 'asr-'));
	await writeFile(join(dir, 'speech.wav'), speech);
	files = await startFileServer(dir);
});

afterAll(async () => {
	await files.close();
	await rm(dir, { recursive: true, force: true });
});

async function withApi(
	run: (emulator: TencentCloudEmulator) => Promise<void>,
	options: { taskSteps?: { waitingPolls?: number; doingPolls?: number }; sessionToken?: string } = {},
) {
	const emulator = await startTencentCloudEmulator({
		secretId: SECRET_ID,
		secretKey: SECRET_KEY,
		sessionToken: options.sessionToken,
		appId: APP_ID,
		sdkAppIds: [],
		transcripts,
		taskSteps: options.taskSteps,
	});
	try {
		await run(emulator);
	} finally {
		await emulator.close();
	}
}

interface RunOptions {
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	credentials?: Partial<ICredentialDataDecryptedObject>;
	cancelSignal?: AbortSignal;
}

function context(endpoint: string, parameters: IDataObject, options: RunOptions = {}) {
	return createExecuteContext({
		node,
		parameters: { resource: 'recordingRecognition', ...parameters },
		items: options.items,
		credentials: {
			tencentCloudApi: {
				secretId: SECRET_ID,
				secretKey: SECRET_KEY,
				appId: String(APP_ID),
				endpoint,
				keyCheck: '',
				...options.credentials,
			} as ICredentialDataDecryptedObject,
		},
		credentialTypes: { tencentCloudApi: new TencentCloudApi() },
		continueOnFail: options.continueOnFail,
		cancelSignal: options.cancelSignal,
	});
}

async function run(endpoint: string, parameters: IDataObject, options: RunOptions = {}) {
	const test = context(endpoint, parameters, options);
	const [output] = await node.execute.call(test.ctx);
	return { output, test };
}

async function failure(endpoint: string, parameters: IDataObject, options: RunOptions = {}): Promise<Error> {
	const test = context(endpoint, parameters, options);
	const error = await node.execute.call(test.ctx).then(
		() => undefined,
		(caught: unknown) => caught as Error,
	);
	if (!error) throw new Error('expected the node to fail');
	return error;
}

const expectNoSecret = (value: unknown) => expectNoSecrets(value, [SECRET_KEY, SESSION_TOKEN]);

const asrRequests = (emulator: TencentCloudEmulator, action: string) => emulator.requests.filter((request) => request.action === action);

describe('Create Task and Get Task', () => {
	it('creates a task from a URL with every field under its vendor name; the uint64 TaskId round-trips into Get Task', async () => {
		await withApi(async (emulator) => {
			const { output, test } = await run(emulator.url, {
				operation: 'createTask',
				inputType: 'url',
				audioUrl: `${files.url}/speech.wav`,
				engineModelType: '16k_zh_large',
				resTextFormat: 2,
				callbackUrl: 'https://n8n.example.com/webhook/x/tencent-asr-callback?token=abc',
				additionalFields: {
					speakerDiarization: true,
					speakerNumber: 2,
					hotwordId: 'hw-1',
					hotwordList: '腾讯云|10,语音识别|5',
					customizationId: 'cm-1',
					filterDirty: 1,
					filterModal: 2,
					filterPunc: 1,
					convertNumMode: 3,
					sentenceMaxLength: 12,
					emotionalEnergy: true,
					replaceTextId: 'rp-1',
				},
			});
			expect(test.preAuthenticationCalls.tencentCloudApi).toBe(1);
			expect(output).toHaveLength(1);
			expect(output[0].pairedItem).toEqual({ item: 0 });
			const taskId = output[0].json.taskId;
			expect(taskId).toBe('9007199254740993');
			expect(typeof output[0].json.requestId).toBe('string');
			expect(emulator.tasks[0].params).toEqual({
				EngineModelType: '16k_zh_large',
				ChannelNum: 1,
				ResTextFormat: 2,
				SpeakerDiarization: 1,
				SpeakerNumber: 2,
				ConvertNumMode: 3,
				FilterDirty: 1,
				FilterModal: 2,
				FilterPunc: 1,
				SentenceMaxLength: 12,
				EmotionalEnergy: 1,
				HotwordId: 'hw-1',
				HotwordList: '腾讯云|10,语音识别|5',
				CustomizationId: 'cm-1',
				ReplaceTextId: 'rp-1',
				CallbackUrl: 'https://n8n.example.com/webhook/x/tencent-asr-callback?token=abc',
				SourceType: 0,
				Url: `${files.url}/speech.wav`,
			});

			const first = await run(emulator.url, { operation: 'getTask', taskId, simplify: false });
			expect(first.output[0].json).toMatchObject({ taskId: '9007199254740993', status: 0, statusText: 'waiting', text: '', resultDetail: null });
			await run(emulator.url, { operation: 'getTask', taskId });
			const done = await run(emulator.url, { operation: 'getTask', taskId, simplify: false });
			const json = done.output[0].json;
			expect(json.taskId).toBe('9007199254740993');
			expect(json.status).toBe(2);
			expect(json.statusText).toBe('success');
			// Filter Punctuation 1 removed the sentence-final marks.
			expect(json.text).toMatch(/^\[0:0\.020,0:\d+\.\d{3}\] {2}今天天气很好\n\[0:\d+\.\d{3},0:2\.380\] {2}我们出去走走吧\n$/);
			expect(json.audioDuration).toBe(2.4);
			expect(json.errorMessage).toBe('');
			expect(Array.isArray(json.resultDetail)).toBe(true);
			expect((json.resultDetail as IDataObject[])[0].FinalSentence).toBe('今天天气很好');
			expect(typeof json.requestId).toBe('string');
			// The TaskId went out as a bare JSON number with all its digits.
			expect(asrRequests(emulator, 'DescribeTaskStatus').map((request) => String((request.params as IDataObject).TaskId))).toEqual([
				'9007199254740993',
				'9007199254740993',
				'9007199254740993',
			]);
			expectNoSecret([output, done.output]);
		});
	});

	it('sends binary audio as base64 Data with DataLen (raw bytes) and reports mp3 facts', async () => {
		await withApi(async (emulator) => {
			const { output } = await run(
				emulator.url,
				// one item at a time: task ids are given in arrival order
				{ operation: 'createTask', inputType: 'binary', binaryPropertyName: 'audio', options: { concurrency: 1 } },
				{ items: [binaryItem(speech, 'speech.wav', 'audio/wav', 'audio'), binaryItem(speechMp3, 'speech.mp3', 'audio/mpeg', 'audio')] },
			);
			expect(output.map((item) => item.json.taskId)).toEqual(['9007199254740993', '9007199254740994']);
			expect(output[0].json.audio).toEqual({ format: 'wav', bytes: speech.length });
			expect(output[1].json.audio).toEqual({ format: 'mp3', bytes: speechMp3.length, sampleRate: 16000, channels: 1, durationSeconds: expect.closeTo(3, 1) });
			const params = emulator.tasks.map((task) => task.params);
			expect(params[0]).toMatchObject({ SourceType: 1, DataLen: speech.length, EngineModelType: '16k_zh', ChannelNum: 1, ResTextFormat: 0 });
			expect(params[0].Data).toMatch(new RegExp(`^${speech.toString('base64').slice(0, 32).replace(/[+/]/g, '\\$&')}…\\(${speech.toString('base64').length} chars\\)$`));
			expect(params[1]).toMatchObject({ SourceType: 1, DataLen: speechMp3.length });
			const results = await Promise.all(
				emulator.tasks.map(async (task) => {
					await emulator.completeTask(task.TaskId);
					return (await run(emulator.url, { operation: 'getTask', taskId: task.TaskId })).output[0].json.text;
				}),
			);
			expect(results[0]).toContain('我们出去走走吧！');
			expect(results[1]).toContain('mp3 speech.');
		});
	});

	it('accepts exactly 5 MB of binary audio and refuses one byte more before any request', async () => {
		await withApi(async (emulator) => {
			const samples = (MAX_AUDIO_BYTES - 44) / 2;
			const fiveMb = encodeTestWav(samples / 16000, 16000, 11);
			expect(fiveMb.length).toBe(5242880);
			const tooBig = Buffer.concat([fiveMb, Buffer.alloc(1)]);
			const error = await failure(emulator.url, { operation: 'createTask', inputType: 'binary' }, { items: [binaryItem(tooBig, 'big.wav', 'audio/wav')] });
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toContain('5,242,881 bytes');
			expect(error.message).toContain('5,242,880 bytes');
			expect(emulator.requests).toHaveLength(0);
			const { output } = await run(emulator.url, { operation: 'createTask', inputType: 'binary' }, { items: [binaryItem(fiveMb, 'exact.wav', 'audio/wav')] });
			expect(output[0].json.taskId).toBe('9007199254740993');
			expect(emulator.tasks[0].params.DataLen).toBe(5242880);
		});
	}, 30000);

	it('refuses invalid input before any request: format, channel count, URL, task id', async () => {
		await withApi(async (emulator) => {
			const cases: Array<[IDataObject, RunOptions, RegExp]> = [
				[{ operation: 'createTask', inputType: 'binary' }, { items: [binaryItem(Buffer.from('hello, this is text'), 'notes.mp3')] }, /notes\.mp3" is not a valid mp3 file: it claims to be mp3 but does not contain mp3 audio/],
				[{ operation: 'createTask', inputType: 'binary' }, { items: [binaryItem(Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60)]), 'a.ogg', 'audio/ogg')] }, /Ogg Vorbis/],
				[{ operation: 'createTask', inputType: 'binary' }, { items: [binaryItem(Buffer.concat([Buffer.from('ID3'), Buffer.alloc(200)]), 'fake.mp3')] }, /looks like mp3 but is not/],
				[{ operation: 'createTask', inputType: 'binary', binaryPropertyName: 'missing' }, { items: [binaryItem(speech, 'a.wav', 'audio/wav')] }, /no binary property "missing"/],
				[{ operation: 'createTask', inputType: 'url', audioUrl: `${files.url}/speech.wav`, channelNum: 2 }, {}, /only available with 8k telephone engines, not 16k_zh/],
				[
					{ operation: 'createTask', inputType: 'binary', engineModelType: '8k_zh', channelNum: 2 },
					{ items: [binaryItem(speechMp3, 'mono.mp3')] },
					/Channel Count is 2 but the audio is 16000 Hz mono/,
				],
				[{ operation: 'createTask', inputType: 'url', audioUrl: 'file:///etc/passwd' }, {}, /http:\/\/ or https:\/\//],
				[{ operation: 'createTask', inputType: 'url', audioUrl: `${files.url}/speech.wav`, callbackUrl: 'not a url' }, {}, /Callback URL "not a url" is not a valid URL/],
				[{ operation: 'createTask', inputType: 'url', audioUrl: `${files.url}/speech.wav`, additionalFields: { speakerNumber: 3 } }, {}, /Speaker Number needs Speaker Diarization/],
				[{ operation: 'getTask', taskId: '12ab' }, {}, /"12ab" is not a valid Task ID/],
				[{ operation: 'getTask', taskId: '18446744073709551616' }, {}, /not a valid Task ID/],
				[{ operation: 'getTask', taskId: 9007199254740993 }, {}, /lost precision/],
			];
			for (const [parameters, options, pattern] of cases) {
				const error = await failure(emulator.url, parameters, options);
				expect(error).toBeInstanceOf(NodeOperationError);
				expect(error.message).toMatch(pattern);
				expect((error as NodeOperationError).context.itemIndex).toBe(0);
			}
			expect(emulator.requests).toHaveLength(0);
		});
	});

	it("surfaces Tencent's Code, Message and RequestId, paired, with continue-on-fail", async () => {
		await withApi(async (emulator) => {
			// one item at a time, so that the last request is item 2's
			const { output } = await run(
				emulator.url,
				{ operation: 'getTask', taskId: '123', options: { concurrency: 1 } },
				{ continueOnFail: true, items: [{ json: {} }, { json: {} }] },
			);
			expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			const last = emulator.requests[emulator.requests.length - 1];
			expect(output[0].json.error).toBe('Tencent Cloud error: FailedOperation.NoSuchTask – No such task: TaskId 123.');
			expect(output[1].json.description).toContain(`RequestId: ${last.requestId}`);
		});
	});
});

describe('retries', () => {
	it('waits out RequestLimitExceeded sub-codes, even for Create Task (Tencent did not act on the call)', async () => {
		await withApi(async (emulator) => {
			emulator.failNext('CreateRecTask', 'RequestLimitExceeded.UinLimitExceeded', 'Your account exceeded the rate limit.');
			const { output } = await run(emulator.url, { operation: 'createTask', inputType: 'url', audioUrl: `${files.url}/speech.wav` });
			expect(output[0].json.taskId).toMatch(/^\d+$/);
			expect(emulator.tasks).toHaveLength(1);
			expect(asrRequests(emulator, 'CreateRecTask')).toHaveLength(2);
		});
	});

	it("retries a gateway's HTML 502 for Get Task, but never resends Create Task after one", async () => {
		await withApi(async (emulator) => {
			const gateway = await startGateway([{ prefix: '/', target: emulator.url }]);
			try {
				const created = await run(gateway.url, { operation: 'createTask', inputType: 'url', audioUrl: `${files.url}/speech.wav` });
				const taskId = String(created.output[0].json.taskId);
				gateway.failNext(502);
				const { output } = await run(gateway.url, { operation: 'getTask', taskId }, { credentials: { keyCheck: 'verified' } });
				expect(output[0].json.taskId).toBe(taskId);
				expect(gateway.requests.slice(-2).map((request) => request.forwarded)).toEqual([false, true]);

				const before = gateway.requests.length;
				gateway.failNext(502);
				const error = await failure(gateway.url, { operation: 'createTask', inputType: 'url', audioUrl: `${files.url}/speech.wav` }, { credentials: { keyCheck: 'verified' } });
				expect(error.message).toMatch(/HTTP 502/);
				expect(gateway.requests.length - before).toBe(1);
				expect(emulator.tasks).toHaveLength(1);
			} finally {
				await gateway.close();
			}
		});
	});
});

describe('Transcribe', () => {
	it('creates the task and polls until the text is there', async () => {
		await withApi(async (emulator) => {
			const { output } = await run(emulator.url, {
				operation: 'transcribe',
				inputType: 'url',
				audioUrl: `${files.url}/speech.wav`,
				resTextFormat: 3,
				simplify: false,
				options: { pollIntervalSeconds: 0.02 },
			});
			const json = output[0].json;
			expect(json).toMatchObject({ taskId: '9007199254740993', status: 2, statusText: 'success', audioDuration: 2.4, errorMessage: '' });
			expect(json.text).toContain('今天天气很好。');
			expect((json.resultDetail as IDataObject[]).map((sentence) => sentence.FinalSentence)).toEqual(['今天天气很好。', '我们出去走走吧！']);
			expect(asrRequests(emulator, 'DescribeTaskStatus')).toHaveLength(3);
			expect(emulator.tasks[0].params.CallbackUrl).toBeUndefined();
		});
	});

	it('a failed task is an item error with the task id and ErrorMsg', async () => {
		await withApi(async (emulator) => {
			const parameters = { operation: 'transcribe', inputType: 'url', audioUrl: `${files.url}/missing.wav`, options: { pollIntervalSeconds: 0.01 } };
			const error = await failure(emulator.url, parameters);
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toBe('Tencent Cloud error: Recognition task 9007199254740993 failed: Failed to download audio file!');
			const { output } = await run(emulator.url, parameters, { continueOnFail: true });
			expect(output[0].pairedItem).toEqual({ item: 0 });
			expect(output[0].json).toMatchObject({
				error: 'Tencent Cloud error: Recognition task 9007199254740994 failed: Failed to download audio file!',
				taskId: '9007199254740994',
				status: 3,
				statusText: 'failed',
			});
		});
	});

	it('gives up after Max Wait, naming the task id and Get Task', async () => {
		await withApi(
			async (emulator) => {
				const started = Date.now();
				const { output } = await run(
					emulator.url,
					{ operation: 'transcribe', inputType: 'url', audioUrl: `${files.url}/speech.wav`, options: { pollIntervalSeconds: 0.05, maxWaitSeconds: 0.3 } },
					{ continueOnFail: true },
				);
				expect(Date.now() - started).toBeLessThan(10_000);
				expect(output[0].json.error).toBe('Task 9007199254740993 did not finish within 0.3 seconds (last status: waiting)');
				expect(output[0].json.description).toContain('Use the Get Task operation with Task ID 9007199254740993');
				expect(output[0].json.taskId).toBe('9007199254740993');
				expect(asrRequests(emulator, 'DescribeTaskStatus').length).toBeGreaterThanOrEqual(2);
			},
			{ taskSteps: { waitingPolls: 1000 } },
		);
	});

	it('stops promptly when the execution is cancelled', async () => {
		await withApi(async (emulator) => {
			const controller = new AbortController();
			const started = Date.now();
			setTimeout(() => controller.abort(), 300);
			const error = await failure(
				emulator.url,
				{ operation: 'transcribe', inputType: 'url', audioUrl: `${files.url}/speech.wav`, options: { pollIntervalSeconds: 30 } },
				{ cancelSignal: controller.signal },
			);
			const elapsed = Date.now() - started;
			expect(elapsed).toBeLessThan(10_000);
			expect(error.message).toBe('The execution was cancelled while waiting for task 9007199254740993');
			expect(asrRequests(emulator, 'DescribeTaskStatus')).toHaveLength(0);
		});
	});
});

describe('credential', () => {
	it('a wrong SecretKey fails the key check with Code and RequestId, and the SecretKey appears nowhere', async () => {
		await withApi(async (emulator) => {
			const wrongKey = 'wrong-secret-key-also-secret-9999';
			const test = context(emulator.url, { operation: 'getTask', taskId: '1' }, { credentials: { secretKey: wrongKey }, continueOnFail: true });
			const [output] = await node.execute.call(test.ctx);
			const cam = asrRequests(emulator, 'GetUserAppId');
			expect(cam).toHaveLength(1);
			expect(cam[0].errorCode).toBe('AuthFailure.SignatureFailure');
			expect(output[0].json.error).toContain('AuthFailure.SignatureFailure');
			expect(output[0].json.error).toContain(`RequestId: ${cam[0].requestId}`);
			expect(asrRequests(emulator, 'DescribeTaskStatus')).toHaveLength(0);
			for (const text of allStrings([output, test.logs])) expect(text).not.toContain(wrongKey);
			const thrown = await failure(emulator.url, { operation: 'getTask', taskId: '1' }, { credentials: { secretKey: wrongKey } });
			expect(thrown).toBeInstanceOf(NodeApiError);
			expect(thrown.message).toContain('AuthFailure.SignatureFailure');
			for (const text of allStrings(thrown)) expect(text).not.toContain(wrongKey);
		});
	});

	it('temporary credentials send X-TC-Token; neither key nor token shows in outputs or errors', async () => {
		await withApi(
			async (emulator) => {
				const { output } = await run(
					emulator.url,
					{ operation: 'createTask', inputType: 'url', audioUrl: `${files.url}/speech.wav` },
					{ credentials: { sessionToken: SESSION_TOKEN } },
				);
				expect(emulator.requests.every((request) => request.token === SESSION_TOKEN && request.ok)).toBe(true);
				const error = await failure(emulator.url, { operation: 'getTask', taskId: '5' }, { credentials: { sessionToken: SESSION_TOKEN } });
				expectNoSecret([output, error]);
				const wrongToken = await failure(emulator.url, { operation: 'getTask', taskId: '5' }, { credentials: { sessionToken: 'expired-token-x' } });
				expect(wrongToken.message).toContain('AuthFailure.TokenFailure');
			},
			{ sessionToken: SESSION_TOKEN },
		);
	});
});

describe('Create Legacy Task', () => {
	async function withLegacy(run: (legacy: TencentLegacyAsrEmulator) => Promise<void>) {
		const legacy = await startTencentLegacyAsrEmulator({ secretId: SECRET_ID, secretKey: SECRET_KEY, appId: APP_ID, transcripts });
		try {
			await run(legacy);
		} finally {
			await legacy.close();
		}
	}
	const CALLBACK = 'https://n8n.example.com/webhook/abc/tencent-asr-callback?token=t0k&x=1';
	const legacyOptions = (extra: RunOptions = {}): RunOptions => ({ ...extra, credentials: { keyCheck: 'verified', ...extra.credentials } });

	it('submits a URL task signed with HMAC-SHA1 and returns the task id as a string', async () => {
		await withLegacy(async (legacy) => {
			const { output } = await run(
				legacy.url,
				{ operation: 'createLegacyTask', inputType: 'url', audioUrl: `${files.url}/speech.wav`, callbackUrl: CALLBACK, legacyEngineModelType: '8k_0', legacyChannelNum: 2 },
				legacyOptions(),
			);
			expect(output[0]).toEqual({ json: { taskId: '500', code: 0, message: 'success' }, pairedItem: { item: 0 } });
			const [request] = legacy.requests;
			expect(request.code).toBe(0);
			expect(request.params).toMatchObject({
				projectid: '0',
				sub_service_type: '0',
				engine_model_type: '8k_0',
				res_text_format: '0',
				res_type: '1',
				callback_url: CALLBACK,
				channel_num: '2',
				source_type: '0',
				url: `${files.url}/speech.wav`,
				secretid: SECRET_ID,
			});
			expect(request.bodyBytes).toBe(0);
		});
	});

	it('works behind a custom endpoint that serves only the legacy API: the CAM key check is skipped, not fatal', async () => {
		await withLegacy(async (legacy) => {
			const gateway = await startGateway([{ prefix: '/asr/v1/', target: legacy.url }]);
			try {
				const { output, test } = await run(gateway.url, { operation: 'createLegacyTask', inputType: 'url', audioUrl: `${files.url}/speech.wav`, callbackUrl: CALLBACK });
				expect(output[0].json).toMatchObject({ code: 0, message: 'success' });
				// the CAM call got the gateway's 404 "no route", then the legacy call went through
				expect(gateway.requests.map((request) => request.path.split('?')[0])).toEqual(['/', '/asr/v1/1250000001']);
				expect(String(test.credentials.tencentCloudApi.keyCheck)).toMatch(/^skipped .*does not serve CAM GetUserAppId \(HTTP 404\)$/);
			} finally {
				await gateway.close();
			}
		});
	});

	it('a gateway that serves CAM but answers 502 once fails that call and checks the key again next time', async () => {
		await withApi(async (emulator) => {
			const gateway = await startGateway([{ prefix: '/', target: emulator.url }]);
			try {
				gateway.failNext(502);
				const error = await failure(gateway.url, { operation: 'getTask', taskId: '1' });
				expect(error.message).toMatch(/CAM answered HTTP 502/);
				// not stored as skipped: the next call runs the key check again, which now passes
				const { test } = await run(gateway.url, { operation: 'getTask', taskId: '1' }, { continueOnFail: true });
				expect(String(test.credentials.tencentCloudApi.keyCheck)).toMatch(/^verified /);
			} finally {
				await gateway.close();
			}
		});
	});

	it('submits binary audio as the request body', async () => {
		await withLegacy(async (legacy) => {
			const { output } = await run(
				legacy.url,
				{ operation: 'createLegacyTask', inputType: 'binary', callbackUrl: CALLBACK, legacyResTextFormat: 0 },
				legacyOptions({ items: [binaryItem(speechMp3, 'call.mp3')] }),
			);
			expect(output[0].json).toMatchObject({ taskId: '500', code: 0, message: 'success', audio: { format: 'mp3', bytes: speechMp3.length } });
			expect(legacy.requests[0].params).toMatchObject({ source_type: '1', engine_model_type: '16k_0' });
			expect(legacy.requests[0].params.url).toBeUndefined();
			expect(legacy.requests[0].bodyBytes).toBe(speechMp3.length);
			expect(legacy.tasks[0].sourceType).toBe(1);
		});
	});

	it('maps a wrong key (1030), an expired signature (1025) and other codes to readable errors that keep code and vendor message', async () => {
		await withLegacy(async (legacy) => {
			const parameters = { operation: 'createLegacyTask', inputType: 'url', audioUrl: `${files.url}/speech.wav`, callbackUrl: CALLBACK };
			const wrongKey = await failure(legacy.url, parameters, legacyOptions({ credentials: { secretKey: 'some-other-secret-key-1234' } }));
			expect(wrongKey).toBeInstanceOf(NodeApiError);
			expect(wrongKey.message).toBe('Tencent Cloud ASR error: 1030 – Signature verification failed (ERROR_PROXY_AUTH_FAILED: signature mismatch)');
			expect((wrongKey as NodeApiError).description).toContain('SecretKey does not match');
			expect(((wrongKey as NodeApiError).errorResponse as IDataObject).vendorCode).toBe('1030');
			for (const text of allStrings(wrongKey)) expect(text).not.toContain('some-other-secret-key-1234');

			await legacy.advanceClock(7200);
			const expired = await failure(legacy.url, parameters, legacyOptions());
			expect(expired.message).toMatch(/^Tencent Cloud ASR error: 1025 – The signature has expired \(ERROR_PROXY_AUTH_EXPIRED: /);
			expect((expired as NodeApiError).description).toContain('NTP');
			await legacy.advanceClock(-7200);

			legacy.failNext(1016, 'no free amount');
			const { output } = await run(legacy.url, parameters, legacyOptions({ continueOnFail: true }));
			expect(output[0].json.error).toBe('Tencent Cloud ASR error: 1016 – No free recognition quota is left (ERROR_HAS_NO_AMOUNT: no free amount)');
			expect(output[0].json.description).toContain('resource pack');
			const ok = await run(legacy.url, parameters, legacyOptions());
			expect(ok.output[0].json.code).toBe(0);
			expectNoSecret([output, expired]);
		});
	});

	it('has an English explanation for every request error code of the source document', () => {
		expect(Object.keys(LEGACY_ASR_ERRORS).sort()).toEqual(Object.keys(LEGACY_ERROR_NAMES).sort());
		for (const entry of Object.values(LEGACY_ASR_ERRORS)) expect(entry.message).toMatch(/^[A-Za-z]/);
	});

	it('checks App ID, callback URL, engine/channels and audio before any request', async () => {
		await withLegacy(async (legacy) => {
			const base = { operation: 'createLegacyTask', inputType: 'url', audioUrl: `${files.url}/speech.wav`, callbackUrl: CALLBACK };
			const cases: Array<[IDataObject, RunOptions, RegExp]> = [
				[base, legacyOptions({ credentials: { appId: '' } }), /credential has no App ID/],
				[{ ...base, callbackUrl: '' }, legacyOptions(), /Callback URL is empty/],
				[{ ...base, callbackUrl: `https://example.com/${'a'.repeat(2048)}` }, legacyOptions(), /Tencent accepts less than 2048 bytes/],
				[{ ...base, legacyChannelNum: 2, legacyEngineModelType: '8k_6' }, legacyOptions(), /only available with the 8k_0 engine, not 8k_6/],
				[{ ...base, audioUrl: `https://example.com/${'b'.repeat(2048)}.wav` }, legacyOptions(), /less than 2048 bytes/],
				[{ ...base, inputType: 'binary' }, legacyOptions({ items: [binaryItem(Buffer.from('plain text'), 'x.txt', 'text/plain')] }), /not audio in a format/],
				// 61 minutes of 8 kbit/s mp3 is only 3.7 MB: the duration, read from the frames, is what fails
				[{ ...base, inputType: 'binary', legacyEngineModelType: '8k_0' }, legacyOptions({ items: [binaryItem(silentMp3(50_834), 'call.mp3', 'audio/mpeg')] }), /lasts 61\.0 minutes; Tencent Cloud ASR \(legacy API\) takes recordings of at most 1 hour/],
			];
			for (const [parameters, options, pattern] of cases) {
				const error = await failure(legacy.url, parameters, options);
				expect(error).toBeInstanceOf(NodeOperationError);
				expect(error.message).toMatch(pattern);
			}
			expect(legacy.requests).toHaveLength(0);
		});
	});

	it('accepts headerless pcm when the file says so', async () => {
		await withLegacy(async (legacy) => {
			const pcm = Buffer.alloc(3200, 1);
			const { output } = await run(
				legacy.url,
				{ operation: 'createLegacyTask', inputType: 'binary', callbackUrl: CALLBACK },
				legacyOptions({ items: [binaryItem(pcm, 'call.pcm', 'application/octet-stream')] }),
			);
			expect(output[0].json).toMatchObject({ code: 0, audio: { format: 'pcm', bytes: 3200 } });
		});
	});
});
