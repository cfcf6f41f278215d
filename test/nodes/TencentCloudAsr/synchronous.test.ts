/**
 * Flash Recognize (against the strict flash emulator, test/emulators/tencentFlashAsr.ts) and
 * Recognize Sentence (against the API 3.0 emulator's SentenceRecognition) over real HTTP, signed by
 * the credential's own authenticate: results with sentence times, word timings and speakers in
 * seconds; subtitles with the emulator's exact sentence times; every refusal before anything is
 * sent; vendor codes surfaced with their request ids; retries only where the documentation says a
 * resend is safe; a Custom Endpoint gateway; and no secret in any output, error or log.
 */
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { TencentCloudApi } from '../../../credentials/TencentCloudApi.credentials';
import { TencentCloudAsr } from '../../../nodes/TencentCloudAsr/TencentCloudAsr.node';
import { FLASH_MAX_BYTES, SENTENCE_MAX_BYTES } from '../../../nodes/TencentCloudAsr/actions/recordingRecognition/audio';
import { encodeTestMp3, encodeTestWav } from '../../emulators/audio';
import { startFileServer, TranscriptRegistry, type RunningServer } from '../../emulators/common';
import { startGateway, tencentGatewayRoutes, type Gateway } from '../../emulators/gateway';
import { startTencentCloudEmulator, type TencentCloudEmulator } from '../../emulators/tencentCloud';
import { startTencentFlashAsrEmulator, type TencentFlashAsrEmulator } from '../../emulators/tencentFlashAsr';
import { fixture, fixtureTable, fixtureText, silentMp3 } from '../../helpers/fixtures';
import { binaryItem, createExecuteContext, expectNoSecrets } from '../../helpers/n8nContext';
import { parseSrt } from '../../helpers/subtitles';

const SECRET_ID = 'AKIDflashNodeTestSecretId01';
const SECRET_KEY = 'flash-node-test-secret-key-do-not-leak-01';
const SESSION_TOKEN = 'flash-node-test-session-token-do-not-leak';
const APP_ID = 1250000001;
const node = new TencentCloudAsr();

const transcripts = new TranscriptRegistry();
const TWO = encodeTestWav(4, 16000, 21);
const TWO_TEXT = '今天天气很好。我们出去走走吧！';
const TWO_SEGMENTS = [
	{ startSeconds: 0.25, endSeconds: 1.9, text: '今天天气很好。', speakerId: 0 },
	{ startSeconds: 2.1, endSeconds: 3.875, text: '我们出去走走吧！', speakerId: 1 },
];
const SHORT_MP3 = encodeTestMp3(3, 31);
const LONG = fixture('long-16k-mono.mp3');
const LONG_SEGMENTS = fixtureTable.files['long-16k-mono.mp3'].segments!;

let dir: string;
let files: RunningServer;

beforeAll(async () => {
	transcripts.register(TWO, TWO_TEXT, { durationSeconds: 4, segments: TWO_SEGMENTS });
	transcripts.register(SHORT_MP3, 'Hello n8n world.', 3);
	transcripts.register(LONG, fixtureText('long-16k-mono.mp3'), { durationSeconds: 442.656, segments: LONG_SEGMENTS });
	dir = await mkdtemp(join(tmpdir(), 'asr-sync-'));
	await writeFile(join(dir, 'two-speakers.wav'), TWO);
	// a name without an audio extension: the format comes from the bytes
	await writeFile(join(dir, 'download'), SHORT_MP3);
	// sparse: announces 100 MB + 1 byte without taking the disk space
	await writeFile(join(dir, 'huge.wav'), Buffer.alloc(0));
	await truncate(join(dir, 'huge.wav'), FLASH_MAX_BYTES + 1);
	files = await startFileServer(dir);
});

afterAll(async () => {
	await files.close();
	await rm(dir, { recursive: true, force: true });
});

interface Services {
	api: TencentCloudEmulator;
	flash: TencentFlashAsrEmulator;
	gateway: Gateway;
}

/** The API 3.0 and flash emulators behind one gateway, the credential's Custom Endpoint. */
async function withServices(run: (services: Services) => Promise<void>, options: { sessionToken?: string; concurrency?: number } = {}) {
	const common = { secretId: SECRET_ID, secretKey: SECRET_KEY, appId: APP_ID, transcripts, sessionToken: options.sessionToken };
	const api = await startTencentCloudEmulator({ ...common, sdkAppIds: [] });
	const flash = await startTencentFlashAsrEmulator({ ...common, concurrency: options.concurrency });
	const gateway = await startGateway(tencentGatewayRoutes({ api, flash }));
	try {
		await run({ api, flash, gateway });
	} finally {
		await gateway.close();
		await Promise.all([api.close(), flash.close()]);
	}
}

interface RunOptions {
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	credentials?: Partial<ICredentialDataDecryptedObject>;
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
	});
}

const secrets = [SECRET_KEY, SESSION_TOKEN];

async function run(endpoint: string, parameters: IDataObject, options: RunOptions = {}) {
	const test = context(endpoint, parameters, options);
	const [output] = await node.execute.call(test.ctx);
	expectNoSecrets(output, secrets, test.logs);
	return { output, test };
}

async function failure(endpoint: string, parameters: IDataObject, options: RunOptions = {}): Promise<Error> {
	const test = context(endpoint, parameters, options);
	const error = await node.execute.call(test.ctx).then(
		() => undefined,
		(caught: unknown) => caught as Error,
	);
	if (!error) throw new Error('expected the node to fail');
	expectNoSecrets(error, secrets, test.logs);
	return error;
}

const flashBinary = (extra: IDataObject = {}) => ({ operation: 'flashRecognize', inputType: 'binary', ...extra });
const sentenceBinary = (extra: IDataObject = {}) => ({ operation: 'recognizeSentence', inputType: 'binary', ...extra });
const srtOf = (item: INodeExecutionData, field = 'subtitles') => Buffer.from(item.binary![field].data, 'base64').toString('utf8');

describe('Flash Recognize', () => {
	it('recognises binary audio: sentences, speakers and words in seconds, every parameter under its wire name', async () => {
		await withServices(async ({ flash, gateway }) => {
			const { output } = await run(
				gateway.url,
				flashBinary({
					engineType: '16k_zh',
					additionalFields: {
						speakerDiarization: true,
						wordInfo: 2,
						hotwordId: 'hw-1',
						hotwordList: '腾讯云|10,语音识别|5',
						customizationId: 'cm-1',
						filterDirty: 1,
						filterModal: 2,
						filterPunc: 0,
						convertNumMode: 0,
						sentenceMaxLength: 12,
					},
				}),
				{ items: [binaryItem(TWO, 'two-speakers.wav', 'audio/wav')] },
			);
			expect(output).toHaveLength(1);
			expect(output[0].pairedItem).toEqual({ item: 0 });
			const json = output[0].json;
			expect(json.text).toBe(TWO_TEXT);
			expect(json.audioDuration).toBe(4);
			expect(json.sentences).toEqual([
				{ text: '今天天气很好。', start: 0.25, end: 1.9, speaker: 0 },
				{ text: '我们出去走走吧！', start: 2.1, end: 3.875, speaker: 1 },
			]);
			const words = json.words as Array<{ word: string; start: number; end: number }>;
			expect(words[0]).toEqual({ word: '今', start: 0.25, end: expect.any(Number) });
			expect(words[words.length - 1]).toEqual({ word: '！', start: expect.any(Number), end: 3.875 });
			const [request] = flash.requests;
			expect(json.requestId).toBe(request.request_id);
			expect(json.audio).toEqual({ format: 'wav', bytes: TWO.length });
			expect(request.code).toBe(0);
			expect(request.params).toEqual({
				engine_type: '16k_zh',
				voice_format: 'wav',
				speaker_diarization: '1',
				word_info: '2',
				hotword_id: 'hw-1',
				hotword_list: '腾讯云|10,语音识别|5',
				customization_id: 'cm-1',
				filter_dirty: '1',
				filter_modal: '2',
				filter_punc: '0',
				convert_num_mode: '0',
				sentence_max_length: '12',
				secretid: SECRET_ID,
				timestamp: expect.stringMatching(/^\d+$/),
			});
			expect(request.bodyBytes).toBe(TWO.length);
			expect(request.contentType).toBe('application/octet-stream');
			// signed for asr.cloud.tencent.com, sent to the Custom Endpoint through the gateway
			expect(gateway.requests.map((entry) => entry.path.split('?')[0])).toEqual(['/', `/asr/flash/v1/${APP_ID}`]);
		});
	});

	it('downloads an Audio URL itself and names the format from the bytes, not the URL; Simplify off returns the answer as it came', async () => {
		await withServices(async ({ flash, gateway }) => {
			const { output } = await run(gateway.url, { operation: 'flashRecognize', inputType: 'url', audioUrl: `${files.url}/download`, simplify: false });
			const json = output[0].json;
			expect(flash.requests[0].params.voice_format).toBe('mp3');
			expect(json).toMatchObject({ code: 0, message: '', request_id: flash.requests[0].request_id, audio_duration: 3000 });
			expect((json.flash_result as IDataObject[])[0]).toMatchObject({ text: 'Hello n8n world.', channel_id: 0 });
			expect(json.audio).toMatchObject({ format: 'mp3', bytes: SHORT_MP3.length, sampleRate: 16000, channels: 1 });
		});
	});

	it('writes an SRT of the long recording whose cue times are the emulator sentence times, named after the input file', async () => {
		await withServices(async ({ flash, gateway }) => {
			const { output } = await run(gateway.url, flashBinary({ options: { subtitles: 'srt' } }), {
				items: [binaryItem(LONG, 'long-16k-mono.mp3', 'audio/mpeg')],
			});
			const item = output[0];
			expect(item.binary!.subtitles).toMatchObject({ fileName: 'long-16k-mono.srt', mimeType: 'application/x-subrip' });
			const cues = parseSrt(srtOf(item));
			expect(cues.map((cue) => [cue.startMs, cue.endMs])).toEqual(LONG_SEGMENTS.map((segment) => [Math.round(segment.startSeconds * 1000), Math.round(segment.endSeconds * 1000)]));
			expect(cues.map((cue) => cue.text)).toEqual(LONG_SEGMENTS.map((segment) => segment.text));
			expect(item.json.subtitles).toEqual({ format: 'srt', fileName: 'long-16k-mono.srt', binaryField: 'subtitles', cues: LONG_SEGMENTS.length });
			expect(item.json.audioDuration).toBe(442.656);
			expect(flash.recognitions).toHaveLength(1);
		});
	});

	it('WebVTT with speaker labels and cues split by Max Characters, boundaries from word timings', async () => {
		await withServices(async ({ gateway }) => {
			const { output } = await run(
				gateway.url,
				flashBinary({
					additionalFields: { speakerDiarization: true, wordInfo: 1 },
					options: { subtitles: 'vtt', speakerLabels: true, maxCharsPerCue: 4, subtitleBinaryField: 'captions' },
				}),
				{ items: [binaryItem(TWO, 'call.wav', 'audio/wav')] },
			);
			const item = output[0];
			expect(item.binary!.captions).toMatchObject({ fileName: 'call.vtt', mimeType: 'text/vtt' });
			const vtt = srtOf(item, 'captions');
			expect(vtt.startsWith('WEBVTT\n\n1\n00:00:00.250 --> ')).toBe(true);
			expect(vtt).toContain('<v Speaker 0>今天天气');
			expect(vtt).toContain('<v Speaker 1>我们出去');
			// the last cue ends where the last sentence ends
			expect(vtt.trimEnd().split('\n').slice(-2)[0]).toMatch(/ --> 00:00:03\.875$/);
			// the boundary inside the first sentence is the start of its 5th word (very)
			const words = item.json.words as Array<{ word: string; start: number }>;
			expect(vtt).toContain(`00:00:00.250 --> 00:00:0${words[4].start.toFixed(3)}`);
		});
	});

	it('refuses before anything is sent: format, size, duration, missing App ID, hotword list, subtitle options', async () => {
		await withServices(async ({ gateway }) => {
			const cases: Array<[IDataObject, RunOptions, RegExp]> = [
				[flashBinary(), { items: [binaryItem(Buffer.from('just some notes'), 'notes.txt', 'text/plain')] }, /not audio in a format Tencent Cloud flash recognition accepts/],
				[flashBinary(), { items: [binaryItem(Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60)]), 'a.ogg', 'audio/ogg')] }, /does not accept Ogg Vorbis audio/],
				[flashBinary(), { items: [binaryItem(Buffer.from('fLaC\u0000\u0000\u0000\u0022'), 'a.flac', 'audio/flac')] }, /does not accept FLAC audio/],
				// 2 h 0.07 s of 8 kbit/s mp3 is only 7.2 MB: the duration read from the frames refuses it
				[flashBinary(), { items: [binaryItem(silentMp3(100_001), 'long.mp3')] }, /lasts 120\.0 minutes; Tencent Cloud flash recognition takes recordings of at most 2 hours/],
				[{ operation: 'flashRecognize', inputType: 'url', audioUrl: `${files.url}/huge.wav` }, {}, /is 104,857,601 bytes \(100\.00 MB\), over the limit of 104,857,600 bytes/],
				[flashBinary(), { items: [binaryItem(TWO, 'a.wav', 'audio/wav')], credentials: { appId: '' } }, /The Tencent Cloud credential has no App ID/],
				[flashBinary(), { items: [binaryItem(TWO, 'a.wav', 'audio/wav')], credentials: { appId: 'app-1' } }, /App ID "app-1" of the Tencent Cloud credential is not a number/],
				[flashBinary({ additionalFields: { hotwordList: '腾讯云|12' } }), { items: [binaryItem(TWO, 'a.wav', 'audio/wav')] }, /Hotword List is not valid: "腾讯云\|12"/],
				[flashBinary({ additionalFields: { sentenceMaxLength: 5 } }), { items: [binaryItem(TWO, 'a.wav', 'audio/wav')] }, /Sentence Max Length must be 0 or a whole number from 6 to 40/],
				[flashBinary({ options: { subtitles: 'srt', maxCharsPerCue: -1 } }), { items: [binaryItem(TWO, 'a.wav', 'audio/wav')] }, /Max Characters per Cue must be a whole number/],
				[flashBinary({ options: { subtitles: 'srt', subtitleBinaryField: ' ' } }), { items: [binaryItem(TWO, 'a.wav', 'audio/wav')] }, /Binary Output Field is empty/],
			];
			for (const [parameters, options, pattern] of cases) {
				const error = await failure(gateway.url, parameters, options);
				expect(error).toBeInstanceOf(NodeOperationError);
				expect(error.message).toMatch(pattern);
				expect((error as NodeOperationError).context.itemIndex).toBe(0);
			}
			expect(gateway.requests).toHaveLength(0);
		});
	});

	it('accepts headerless pcm named *.pcm as voice_format pcm', async () => {
		await withServices(async ({ flash, gateway }) => {
			const { output } = await run(gateway.url, flashBinary({ engineType: '8k_zh' }), { items: [binaryItem(Buffer.alloc(16000, 3), 'call.pcm', 'application/octet-stream')] });
			expect(flash.requests[0].params).toMatchObject({ voice_format: 'pcm', engine_type: '8k_zh' });
			expect(output[0].json).toMatchObject({ text: '', sentences: [], audioDuration: 1 });
		});
	});

	it("surfaces flash codes with Tencent's message and the request id; 4002 points at the credential", async () => {
		await withServices(async ({ flash, gateway }) => {
			const wrongKey = 'some-other-flash-secret-key-0002';
			const auth = await failure(gateway.url, flashBinary(), {
				items: [binaryItem(TWO, 'a.wav', 'audio/wav')],
				// the key check already passed earlier: the flash signature itself is wrong
				credentials: { secretKey: wrongKey, keyCheck: 'verified' },
			});
			const last = () => flash.requests[flash.requests.length - 1];
			expect(auth).toBeInstanceOf(NodeApiError);
			expect(auth.message).toBe('Tencent Cloud ASR error: 4002 – Authentication failed (鉴权失败: signature mismatch)');
			expect((auth as NodeApiError).description).toContain('SecretId, SecretKey and App ID of the Tencent Cloud credential');
			expect((auth as NodeApiError).description).toContain(`Request ID: ${last().request_id}`);
			expect(((auth as NodeApiError).errorResponse as IDataObject).requestId).toBe(last().request_id);
			expectNoSecrets(auth, [wrongKey]);

			flash.faults.add({ kind: 'error', match: { action: 'flash' }, code: 4004, message: '资源包耗尽' });
			const { output } = await run(gateway.url, flashBinary(), { items: [binaryItem(TWO, 'a.wav', 'audio/wav')], continueOnFail: true });
			expect(output[0].json.error).toBe('Tencent Cloud ASR error: 4004 – No free recognition quota is left (资源包耗尽)');
			expect(output[0].json.description).toContain(`Request ID: ${last().request_id}`);
			expect(output[0].json.description).toContain('resource pack');

			const before = flash.requests.length;
			const invalid = await failure(gateway.url, flashBinary({ additionalFields: { sentenceMaxLength: 12 }, engineType: '16k_en' }), {
				items: [binaryItem(TWO, 'a.wav', 'audio/wav')],
			});
			expect(invalid.message).toMatch(/^Tencent Cloud ASR error: 4001 – A request parameter is invalid \(参数不合法: `sentence_max_length` is only supported/);
			// a refusal is not resent
			expect(flash.requests.length - before).toBe(1);
		});
	});

	it('waits out 4006 and retries 5001 as the documentation says; never resends after the connection broke once sent', async () => {
		await withServices(async ({ flash, gateway }) => {
			flash.faults.add({ kind: 'rate-limit', match: { action: 'flash' }, count: 2 });
			flash.faults.add({ kind: 'error', match: { action: 'flash' }, code: 5001 });
			const { output } = await run(gateway.url, flashBinary(), { items: [binaryItem(TWO, 'a.wav', 'audio/wav')] });
			expect(output[0].json.text).toBe(TWO_TEXT);
			expect(flash.requests.map((request) => request.code)).toEqual([4006, 4006, 5001, 0]);

			// straight to the emulator: the connection breaks after the audio was recognised
			flash.faults.add({ kind: 'reset-after', match: { action: 'flash' } });
			let before = flash.requests.length;
			const broken = await failure(flash.url, flashBinary(), { items: [binaryItem(TWO, 'a.wav', 'audio/wav')], credentials: { keyCheck: 'verified' } });
			expect(broken).toBeInstanceOf(NodeApiError);
			expect((broken as NodeApiError).description).toMatch(/may have accepted it\. It was NOT resent; the audio may have been recognised \(and billed\)/);
			expect(flash.requests.length - before).toBe(1);
			expect(flash.recognitions).toHaveLength(2);

			// the same behind the gateway, which answers its own error page for the broken upstream
			flash.faults.add({ kind: 'reset-after', match: { action: 'flash' } });
			before = flash.requests.length;
			const page = await failure(gateway.url, flashBinary(), { items: [binaryItem(TWO, 'a.wav', 'audio/wav')], credentials: { keyCheck: 'verified' } });
			expect(page.message).toMatch(/^Tencent Cloud ASR error: HTTP 500 – Unexpected answer from flash recognition \(HTTP 500\)/);
			expect((page as NodeApiError).description).toContain('The request was NOT resent');
			expect(flash.requests.length - before).toBe(1);
			expect(flash.recognitions).toHaveLength(3);
		});
	});

	it('runs items concurrently within the account limit, in input order', async () => {
		await withServices(
			async ({ flash, gateway }) => {
				const items = [binaryItem(TWO, 'a.wav', 'audio/wav'), binaryItem(SHORT_MP3, 'b.mp3'), binaryItem(TWO, 'c.wav', 'audio/wav'), binaryItem(SHORT_MP3, 'd.mp3')];
				const { output } = await run(gateway.url, flashBinary({ options: { concurrency: 4 } }), { items });
				expect(output.map((item) => item.json.text)).toEqual([TWO_TEXT, 'Hello n8n world.', TWO_TEXT, 'Hello n8n world.']);
				expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
				// with a limit of 2, any 4006 was waited out
				expect(flash.recognitions).toHaveLength(4);
			},
			{ concurrency: 2 },
		);
	});

	it('temporary credentials: the token is signed as `token` and sent as X-TC-Token; neither it nor the key shows anywhere', async () => {
		await withServices(
			async ({ flash, gateway }) => {
				const { output } = await run(gateway.url, flashBinary(), { items: [binaryItem(TWO, 'a.wav', 'audio/wav')], credentials: { sessionToken: SESSION_TOKEN } });
				expect(output[0].json.text).toBe(TWO_TEXT);
				expect(flash.requests[0].params.token).toBe('<redacted>');
				const wrong = await failure(gateway.url, flashBinary(), { items: [binaryItem(TWO, 'a.wav', 'audio/wav')], credentials: { sessionToken: 'expired-token-x1', keyCheck: 'verified' } });
				expect(wrong.message).toMatch(/^Tencent Cloud ASR error: 4002 /);
			},
			{ sessionToken: SESSION_TOKEN },
		);
	});
});

describe('Recognize Sentence', () => {
	/** 12.3 s of 48 kHz stereo WAV of exactly `bytes` bytes: under 60 s, at the size limit. */
	function wavOfBytes(bytes: number): Buffer {
		const wav = encodeTestWav((bytes - 44) / 2 / 16000, 16000, 5);
		wav.writeUInt16LE(2, 22);
		wav.writeUInt32LE(48000, 24);
		wav.writeUInt32LE(192000, 28);
		wav.writeUInt16LE(4, 32);
		return wav;
	}

	it('sends base64 Data with DataLen (raw bytes) and VoiceFormat from the bytes; words and the sentence in seconds', async () => {
		await withServices(async ({ api, gateway }) => {
			const { output } = await run(
				gateway.url,
				sentenceBinary({ sentenceEngineType: '16k_zh', additionalFields: { wordInfo: 1, filterPunc: 1, convertNumMode: 0, hotwordList: '腾讯云|10', hotwordId: 'hw-2', customizationId: 'cm-2' } }),
				{ items: [binaryItem(TWO, 'clip', 'application/octet-stream')] },
			);
			const [request] = api.requests.filter((entry) => entry.action === 'SentenceRecognition');
			expect(request.params).toEqual({
				EngSerViceType: '16k_zh',
				SourceType: 1,
				VoiceFormat: 'wav',
				Data: expect.stringMatching(/…\(\d+ chars\)$/),
				DataLen: TWO.length,
				WordInfo: 1,
				FilterPunc: 1,
				ConvertNumMode: 0,
				HotwordId: 'hw-2',
				HotwordList: '腾讯云|10',
				CustomizationId: 'cm-2',
			});
			const json = output[0].json;
			expect(json.text).toBe('今天天气很好我们出去走走吧');
			expect(json.audioDuration).toBe(4);
			expect(json.requestId).toBe(request.requestId);
			expect(json.sentences).toEqual([{ text: '今天天气很好我们出去走走吧', start: 0.25, end: 3.875, speaker: null }]);
			expect((json.words as IDataObject[]).length).toBe(13);
			expect((json.words as IDataObject[])[0]).toEqual({ word: '今', start: 0.25, end: expect.any(Number) });
		});
	});

	it('takes exactly 2,359,296 bytes (3 MB of base64) and refuses one byte more, and longer than 60 s, before sending', async () => {
		await withServices(async ({ api, gateway }) => {
			const atLimit = wavOfBytes(SENTENCE_MAX_BYTES);
			expect(atLimit.length).toBe(2_359_296);
			const cases: Array<[IDataObject, RunOptions, RegExp]> = [
				[sentenceBinary(), { items: [binaryItem(Buffer.concat([atLimit, Buffer.alloc(1)]), 'big.wav', 'audio/wav')] }, /2,359,297 bytes .*over Tencent Cloud sentence recognition's 2,359,296 bytes/],
				[sentenceBinary(), { items: [binaryItem(silentMp3(834), 'minute.mp3')] }, /lasts 1\.0 minutes; Tencent Cloud sentence recognition takes recordings of at most 60 seconds/],
				[sentenceBinary(), { items: [binaryItem(Buffer.alloc(1_920_002, 1), 'long.pcm', 'application/octet-stream')] }, /pcm audio lasts 1\.0 minutes \(1,920,002 bytes of 16-bit mono at 16 kHz\)/],
			];
			for (const [parameters, options, pattern] of cases) {
				const error = await failure(gateway.url, parameters, options);
				expect(error).toBeInstanceOf(NodeOperationError);
				expect(error.message).toMatch(pattern);
			}
			expect(gateway.requests).toHaveLength(0);
			const { output } = await run(gateway.url, sentenceBinary(), { items: [binaryItem(atLimit, 'limit.wav', 'audio/wav')] });
			expect(output[0].json.audio).toEqual({ format: 'wav', bytes: 2_359_296 });
			const request = api.requests.find((entry) => entry.action === 'SentenceRecognition')!;
			expect(request.ok).toBe(true);
			expect((request.params as IDataObject).DataLen).toBe(2_359_296);
		});
	});

	it("surfaces Tencent's Code, Message and RequestId with a hint; waits out rate limits; SRT from the word timings", async () => {
		await withServices(async ({ api, gateway }) => {
			api.failNext('SentenceRecognition', 'FailedOperation.ErrorRecognize', 'Recognition failed.');
			const { output } = await run(gateway.url, sentenceBinary(), { items: [binaryItem(TWO, 'a.wav', 'audio/wav')], continueOnFail: true });
			const failed = api.requests.filter((entry) => entry.action === 'SentenceRecognition').pop()!;
			expect(output[0].json.error).toBe('Tencent Cloud error: FailedOperation.ErrorRecognize – Recognition failed.');
			expect(output[0].json.description).toContain(`RequestId: ${failed.requestId}`);
			expect(output[0].json.description).toContain('engine matches');

			api.failNext('SentenceRecognition', 'RequestLimitExceeded', 'Too many requests.');
			const ok = await run(gateway.url, sentenceBinary({ additionalFields: { wordInfo: 2 }, options: { subtitles: 'srt', maxCharsPerCue: 8 } }), {
				items: [binaryItem(TWO, 'a.wav', 'audio/wav')],
			});
			expect(ok.output[0].json.text).toBe(TWO_TEXT);
			const cues = parseSrt(srtOf(ok.output[0]));
			expect(cues.map((cue) => cue.text)).toEqual(['今天天气很好。', '我们出去走走吧！']);
			// one sentence from Tencent, cut after the full stop at the time of the first word of the rest
			expect(cues.map((cue) => [cue.startMs, cue.endMs])).toEqual([
				[250, 2100],
				[2100, 3875],
			]);
			expect(ok.output[0].binary!.subtitles.fileName).toBe('a.srt');
		});
	});

	it('downloads an Audio URL with the size cap of the base64 limit', async () => {
		await withServices(async ({ api, gateway }) => {
			const { output } = await run(gateway.url, { operation: 'recognizeSentence', inputType: 'url', audioUrl: `${files.url}/download` });
			expect(output[0].json.text).toBe('Hello n8n world.');
			expect((api.requests.find((entry) => entry.action === 'SentenceRecognition')!.params as IDataObject).VoiceFormat).toBe('mp3');
			const before = gateway.requests.length;
			const error = await failure(gateway.url, { operation: 'recognizeSentence', inputType: 'url', audioUrl: `${files.url}/huge.wav` });
			expect(error.message).toMatch(/over the limit of 2,359,296 bytes/);
			expect((error as NodeOperationError).description).toContain('Use Flash Recognize');
			expect(gateway.requests.length).toBe(before);
		});
	});
});
