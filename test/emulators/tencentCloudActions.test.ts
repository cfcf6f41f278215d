/**
 * Tests of the API 3.0 actions added for resource lists and one-sentence recognition
 * (DescribeCCCBuyInfoList, GetAsrVocabList, GetCustomizationList, SentenceRecognition), of
 * CreateRecTask results carrying registered segment times, of the `Date` header and of the
 * per-action rate limits and statistics. Requests are signed by the test client in ./clients.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, fixtureTable, fixtureText } from '../helpers/fixtures';
import { encodeTestWav } from './audio';
import { tc3Call } from './clients';
import { startFileServer, TranscriptRegistry, type RunningServer } from './common';
import {
	TENCENT_ACTIONS,
	TENCENT_LIMITS,
	startTencentCloudEmulator,
	type TencentCloudEmulator,
	type TencentCloudEmulatorOptions,
} from './tencentCloud';

const SECRET_ID = 'AKIDactionsTest0001';
const SECRET_KEY = 'actions-test-secret-key-0001';
const APP_ID = 1250000321;

const SPEECH = fixture('speech-16k-mono.mp3');
const SPEECH_WAV = fixture('speech-16k-mono.wav');
const LONG = fixture('long-16k-mono.mp3');
const LONG_ENTRY = fixtureTable.files['long-16k-mono.mp3'];
const LONG_SEGMENTS = LONG_ENTRY.segments!;
const LONG_SECONDS = (LONG_ENTRY.ffprobe as { durationSeconds: number }).durationSeconds;

const transcripts = new TranscriptRegistry();
transcripts.register(SPEECH, fixtureText('speech-16k-mono.mp3'), 6.516);
transcripts.register(SPEECH_WAV, 'Hello world, how are you?');
transcripts.register(LONG, LONG_ENTRY.text!, { durationSeconds: LONG_SECONDS, segments: LONG_SEGMENTS });

let dir: string;
let files: RunningServer;
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'tc-actions-'));
	await writeFile(join(dir, 'speech.mp3'), SPEECH);
	await writeFile(join(dir, 'long.mp3'), LONG);
	const big = Buffer.alloc(3 * 1024 * 1024 + 1);
	SPEECH.copy(big);
	await writeFile(join(dir, 'big.mp3'), big);
	files = await startFileServer(dir);
});
afterAll(async () => {
	await files.close();
	await rm(dir, { recursive: true, force: true });
});

const emulators: TencentCloudEmulator[] = [];
async function start(extra: Partial<TencentCloudEmulatorOptions> = {}): Promise<TencentCloudEmulator> {
	const emu = await startTencentCloudEmulator({
		secretId: SECRET_ID,
		secretKey: SECRET_KEY,
		appId: APP_ID,
		sdkAppIds: [1400000001, 1400000002, 1400000003],
		transcripts,
		freezeClock: true,
		...extra,
	});
	emulators.push(emu);
	return emu;
}
afterEach(async () => {
	await Promise.all(emulators.splice(0).map((emu) => emu.close()));
});

/** Calls `action` and resolves with `Response` (and the raw answer). */
async function api(emu: TencentCloudEmulator, action: string, body: Record<string, unknown> | string = {}) {
	const answer = await tc3Call({ url: emu.url, secretId: SECRET_ID, secretKey: SECRET_KEY, action, body, timestamp: emu.nowSeconds() });
	expect(answer.status).toBe(200);
	return { response: answer.json.Response as Record<string, any>, headers: answer.headers, text: answer.text };
}
const errorOf = (response: Record<string, any>) => response.Error?.Code as string | undefined;

describe('every action is answered and registered with its documented rate limit', () => {
	it('lists the actions with their limits', () => {
		expect(Object.fromEntries([...TENCENT_ACTIONS].map(([action, info]) => [action, info.ratePerSecond]))).toEqual({
			GetUserAppId: 20,
			UploadIvrAudio: 1,
			DescribeIvrAudioList: 20,
			DescribeCCCBuyInfoList: 20,
			CreateRecTask: 20,
			DescribeTaskStatus: 50,
			SentenceRecognition: 30,
			GetAsrVocabList: 20,
			GetCustomizationList: 20,
		});
	});

	it('answers with a Date header of the emulator clock', async () => {
		const emu = await start();
		await emu.setClock(1767225600);
		const { headers } = await api(emu, 'GetUserAppId');
		expect(headers.date).toBe('Thu, 01 Jan 2026 00:00:00 GMT');
	});
});

describe('DescribeCCCBuyInfoList', () => {
	it('lists every application with TotalCount 0 by default, as the official example does', async () => {
		const emu = await start();
		const { response } = await api(emu, 'DescribeCCCBuyInfoList');
		expect(response.TotalCount).toBe(0);
		expect(response.PackageBuyList).toEqual([]);
		expect(response.SdkAppIdBuyList.map((app: any) => app.SdkAppId)).toEqual([1400000001, 1400000002, 1400000003]);
		expect(Object.keys(response.SdkAppIdBuyList[0])).toEqual(['SdkAppId', 'Name', 'StaffBuyNum', 'StaffBuyList', 'PhoneNumBuyList', 'SipBuyNum']);
		expect(response.SdkAppIdBuyList[0].StaffBuyList[0]).toEqual({ Num: 1, BuyTime: expect.any(Number), EndTime: expect.any(Number), SipNum: 0 });
		expect(response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
	});

	it('filters by SdkAppIds (unknown ids are left out) and answers the configured contents and TotalCount', async () => {
		const emu = await start({
			cccBuyInfo: {
				apps: {
					1400000002: {
						Name: '客服中心',
						StaffBuyList: [{ Num: 5, BuyTime: 1613988825, EndTime: 1623988825, SipNum: 2 }],
						PhoneNumBuyList: [{ PhoneNum: '01012345678', Type: 0, CallType: 3, BuyTime: 1613988825, EndTime: 1623988825, State: 1 }],
					},
				},
				totalCount: 'count',
			},
		});
		const { response } = await api(emu, 'DescribeCCCBuyInfoList', { SdkAppIds: [1400000002, 1499999999] });
		expect(response.TotalCount).toBe(1);
		expect(response.SdkAppIdBuyList).toEqual([
			{
				SdkAppId: 1400000002,
				Name: '客服中心',
				StaffBuyNum: 5,
				StaffBuyList: [{ Num: 5, BuyTime: 1613988825, EndTime: 1623988825, SipNum: 2 }],
				PhoneNumBuyList: [{ PhoneNum: '01012345678', Type: 0, CallType: 3, BuyTime: 1613988825, EndTime: 1623988825, State: 1 }],
				SipBuyNum: 2,
			},
		]);
		expect((await api(emu, 'DescribeCCCBuyInfoList', { SdkAppIds: [] })).response.SdkAppIdBuyList).toHaveLength(3);
		const fixed = await start({ cccBuyInfo: { totalCount: 42 } });
		expect((await api(fixed, 'DescribeCCCBuyInfoList')).response.TotalCount).toBe(42);
	});

	it('checks parameter names and types', async () => {
		const emu = await start();
		expect(errorOf((await api(emu, 'DescribeCCCBuyInfoList', { SdkAppIds: ['1400000001'] })).response)).toBe('InvalidParameterValue');
		expect(errorOf((await api(emu, 'DescribeCCCBuyInfoList', { SdkAppId: 1400000001 })).response)).toBe('UnknownParameter');
	});
});

describe('GetAsrVocabList and GetCustomizationList', () => {
	const vocabs = Array.from({ length: 7 }, (_, index) => ({
		Name: `词表${index + 1}`,
		WordWeights: [{ Word: '智聆', Weight: index + 1 }],
		TagInfos: index % 2 === 0 ? ['team : a'] : ['team : b'],
	}));
	const models = Array.from({ length: 5 }, (_, index) => ({ ModelName: `model-${index + 1}`, ModelType: index % 2 === 0 ? '8k' : '16k' }));

	it('answers an empty account', async () => {
		const emu = await start();
		expect((await api(emu, 'GetAsrVocabList')).response).toMatchObject({ VocabList: [], TotalCount: 0 });
		expect((await api(emu, 'GetCustomizationList')).response).toMatchObject({ Data: null, TotalCount: 0 });
	});

	it('pages exactly with Offset and Limit; TotalCount counts every entry', async () => {
		const emu = await start({ vocabs, customizations: models });
		const page = async (action: string, Offset: number, Limit: number) => (await api(emu, action, { Offset, Limit })).response;
		const first = await page('GetAsrVocabList', 0, 3);
		expect(first.TotalCount).toBe(7);
		expect(first.VocabList.map((vocab: any) => vocab.Name)).toEqual(['词表1', '词表2', '词表3']);
		expect((await page('GetAsrVocabList', 3, 3)).VocabList.map((vocab: any) => vocab.Name)).toEqual(['词表4', '词表5', '词表6']);
		expect((await page('GetAsrVocabList', 6, 3)).VocabList.map((vocab: any) => vocab.Name)).toEqual(['词表7']);
		expect((await page('GetAsrVocabList', 9, 3)).VocabList).toEqual([]);
		const vocab = first.VocabList[0];
		expect(Object.keys(vocab)).toEqual(['Name', 'Description', 'VocabId', 'WordWeights', 'CreateTime', 'UpdateTime', 'State', 'TagInfos']);
		expect(vocab.VocabId).toMatch(/^[0-9a-f]{32}$/);
		expect(vocab.CreateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
		expect(new Set(emu.vocabs.map((v) => v.VocabId)).size).toBe(7);
		const models1 = await page('GetCustomizationList', 4, 10);
		expect(models1).toMatchObject({ TotalCount: 5 });
		expect(models1.Data.map((model: any) => model.ModelName)).toEqual(['model-5']);
		expect(Object.keys(models1.Data[0])).toEqual(['ModelName', 'DictName', 'ModelId', 'ModelType', 'ServiceType', 'ModelState', 'AtUpdated', 'TagInfos']);
		expect(models1.Data[0].AtUpdated).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
		expect((await api(emu, 'GetCustomizationList')).response.Data).toHaveLength(5);
	});

	it.each(['GetAsrVocabList', 'GetCustomizationList'])('%s refuses Limit 0 or over 1000, a negative Offset and wrong types', async (action) => {
		const emu = await start({ vocabs, customizations: models });
		for (const body of [{ Limit: 0 }, { Limit: TENCENT_LIMITS.listLimit + 1 }, { Offset: -1 }, { Limit: '10' }, { TagInfos: 'team : a' }, { TagInfos: ['team:a'] }]) {
			expect(errorOf((await api(emu, action, body)).response)).toBe('InvalidParameterValue');
		}
		expect(errorOf((await api(emu, action, { PageSize: 10 })).response)).toBe('UnknownParameter');
		expect(errorOf((await api(emu, action, { Limit: TENCENT_LIMITS.listLimit })).response)).toBeUndefined();
	});

	it('filters by TagInfos (every given tag)', async () => {
		const emu = await start({ vocabs });
		const tagged = (await api(emu, 'GetAsrVocabList', { TagInfos: ['team : b'] })).response;
		expect(tagged.TotalCount).toBe(3);
		expect(tagged.VocabList.map((vocab: any) => vocab.Name)).toEqual(['词表2', '词表4', '词表6']);
	});
});

describe('SentenceRecognition', () => {
	const base64 = (bytes: Buffer) => bytes.toString('base64');
	const byData = (bytes: Buffer, extra: Record<string, unknown> = {}) => ({
		EngSerViceType: '16k_zh',
		SourceType: 1,
		VoiceFormat: 'mp3',
		Data: base64(bytes),
		DataLen: bytes.length,
		...extra,
	});

	it('recognises base64 Data: Result, AudioDuration in ms, no word list without WordInfo', async () => {
		const emu = await start();
		const { response } = await api(emu, 'SentenceRecognition', byData(SPEECH));
		expect(response).toEqual({
			Result: fixtureText('speech-16k-mono.mp3'),
			AudioDuration: 6516,
			WordSize: 0,
			WordList: null,
			RequestId: expect.any(String),
		});
		expect(emu.sentenceRecognitions).toEqual([
			expect.objectContaining({ requestId: response.RequestId, bytes: SPEECH.length, audioDurationMs: 6516, SourceType: 1 }),
		]);
	});

	it('answers word times with WordInfo 1 (no punctuation) and 2 (with), and applies FilterPunc', async () => {
		const emu = await start();
		const one = (await api(emu, 'SentenceRecognition', byData(SPEECH_WAV, { VoiceFormat: 'wav', WordInfo: 1 }))).response;
		expect(one.WordList.map((word: any) => word.Word)).toEqual(['Hello', 'world', 'how', 'are', 'you']);
		expect(one.WordSize).toBe(5);
		for (const word of one.WordList) {
			expect(Object.keys(word)).toEqual(['Word', 'StartTime', 'EndTime']);
			expect(word.EndTime).toBeGreaterThan(word.StartTime);
		}
		expect(one.WordList.at(-1).EndTime).toBeLessThanOrEqual(one.AudioDuration);
		const two = (await api(emu, 'SentenceRecognition', byData(SPEECH_WAV, { VoiceFormat: 'wav', WordInfo: 2 }))).response;
		expect(two.WordList.map((word: any) => word.Word)).toEqual(['Hello', 'world', ',', 'how', 'are', 'you', '?']);
		const filtered = (await api(emu, 'SentenceRecognition', byData(SPEECH_WAV, { VoiceFormat: 'wav', FilterPunc: 2 }))).response;
		expect(filtered.Result).toBe('Hello world how are you');
	});

	it('downloads a Url (SourceType 0)', async () => {
		const emu = await start();
		const { response } = await api(emu, 'SentenceRecognition', { EngSerViceType: '16k_zh', SourceType: 0, VoiceFormat: 'mp3', Url: `${files.url}/speech.mp3` });
		expect(response.Result).toBe(fixtureText('speech-16k-mono.mp3'));
		const missing = await api(emu, 'SentenceRecognition', { EngSerViceType: '16k_zh', SourceType: 0, VoiceFormat: 'mp3', Url: `${files.url}/nothing.mp3` });
		expect(errorOf(missing.response)).toBe('FailedOperation.ErrorDownFile');
		const tooBig = await api(emu, 'SentenceRecognition', { EngSerViceType: '16k_zh', SourceType: 0, VoiceFormat: 'mp3', Url: `${files.url}/big.mp3` });
		expect(errorOf(tooBig.response)).toBe('InvalidParameter.ErrorContentlength');
		const tooLong = await api(emu, 'SentenceRecognition', { EngSerViceType: '16k_zh', SourceType: 0, VoiceFormat: 'mp3', Url: `${files.url}/long.mp3` });
		expect(errorOf(tooLong.response)).toBe('InvalidParameterValue.ErrorVoicedataTooLong');
	});

	it.each([
		['audio over 60 s', () => byData(encodeTestWav(61, 16000, 5), { VoiceFormat: 'wav' }), 'InvalidParameterValue.ErrorVoicedataTooLong'],
		['base64 Data over 3 MB', () => byData(LONG), 'InvalidParameter.ErrorContentlength'],
		['a DataLen that is not the decoded length', () => byData(SPEECH, { DataLen: SPEECH.length + 1 }), 'InvalidParameter.ErrorContentlength'],
		['mp3 sent as wav', () => byData(SPEECH, { VoiceFormat: 'wav' }), 'FailedOperation.ErrorRecognize'],
		['wav sent as pcm', () => byData(SPEECH_WAV, { VoiceFormat: 'pcm' }), 'FailedOperation.ErrorRecognize'],
		['an unknown engine', () => byData(SPEECH, { EngSerViceType: '16k_zh_large' }), 'InvalidParameterValue.ErrorInvalidEngservice'],
		['an unknown format', () => byData(SPEECH, { VoiceFormat: 'flac' }), 'InvalidParameterValue.ErrorInvalidVoiceFormat'],
		['SourceType 2', () => byData(SPEECH, { SourceType: 2 }), 'InvalidParameterValue.ErrorInvalidSourcetype'],
		['SourceType 1 without Data', () => ({ EngSerViceType: '16k_zh', SourceType: 1, VoiceFormat: 'mp3', DataLen: 1 }), 'MissingParameter'],
		['base64 with line breaks', () => byData(SPEECH, { Data: `${base64(SPEECH).slice(0, 76)}\n${base64(SPEECH).slice(76)}` }), 'InvalidParameterValue.ErrorInvalidVoicedata'],
		['WordInfo 3', () => byData(SPEECH, { WordInfo: 3 }), 'InvalidParameterValue'],
		['InputSampleRate with mp3', () => byData(SPEECH, { InputSampleRate: 8000 }), 'InvalidParameterValue'],
		['a hotword weight of 0', () => byData(SPEECH, { HotwordList: '腾讯云|0' }), 'InvalidParameterValue'],
		['the misspelt EngServiceType', () => ({ ...byData(SPEECH, { EngServiceType: '16k_zh' }), EngSerViceType: undefined }), 'UnknownParameter'],
	])('refuses %s', async (_what, body, code) => {
		const emu = await start();
		const { response } = await api(emu, 'SentenceRecognition', JSON.stringify(body()));
		expect(errorOf(response)).toBe(code);
		expect(response.Error.Message.length).toBeGreaterThan(10);
		expect(emu.sentenceRecognitions).toHaveLength(0);
	});

	it('takes 60 s of 8 kHz pcm with InputSampleRate and refuses 60.5 s', async () => {
		const emu = await start();
		const ok = await api(emu, 'SentenceRecognition', byData(Buffer.alloc(8000 * 2 * 60, 1), { VoiceFormat: 'pcm', InputSampleRate: 8000 }));
		expect(ok.response.AudioDuration).toBe(60000);
		const long = await api(emu, 'SentenceRecognition', byData(Buffer.alloc(8000 * 2 * 60 + 8000, 1), { VoiceFormat: 'pcm', InputSampleRate: 8000 }));
		expect(errorOf(long.response)).toBe('InvalidParameterValue.ErrorVoicedataTooLong');
	});
});

describe('CreateRecTask / DescribeTaskStatus with registered segments', () => {
	it('answers the long fixture with the segment times in ResultDetail and Result', async () => {
		const emu = await start({ taskSteps: { waitingPolls: 0, doingPolls: 0 } });
		const created = await api(emu, 'CreateRecTask', {
			EngineModelType: '16k_zh',
			ChannelNum: 1,
			ResTextFormat: 2,
			SourceType: 0,
			Url: `${files.url}/long.mp3`,
		});
		// TaskId is a uint64 beyond 2^53: taken from the text, never through a JS number.
		const taskId = /"TaskId":(\d+)/.exec(created.text)![1];
		const status = (await api(emu, 'DescribeTaskStatus', `{"TaskId":${taskId}}`)).response.Data;
		expect(status.StatusStr).toBe('success');
		expect(status.AudioDuration).toBe(LONG_SECONDS);
		expect(status.ResultDetail.map((s: any) => [s.StartMs, s.EndMs, s.FinalSentence])).toEqual(
			LONG_SEGMENTS.map((segment) => [Math.round(segment.startSeconds * 1000), Math.round(segment.endSeconds * 1000), segment.text]),
		);
		const lines = status.Result.split('\n').filter(Boolean);
		expect(lines).toHaveLength(LONG_SEGMENTS.length);
		expect(lines[1]).toBe(`[0:24.771,0:51.338]  ${LONG_SEGMENTS[1].text}`);
		expect(status.ResultDetail[1].SilenceTime).toBe(Math.round(LONG_SEGMENTS[1].startSeconds * 1000) - Math.round(LONG_SEGMENTS[0].endSeconds * 1000));
	});
});

describe('rate limits and statistics', () => {
	it('refuses the 31st SentenceRecognition in one second, counts it and the peak rate', async () => {
		const emu = await start();
		const body = { EngSerViceType: '16k_zh', SourceType: 1, VoiceFormat: 'mp3', Data: SPEECH.toString('base64'), DataLen: SPEECH.length };
		const answers = await Promise.all(Array.from({ length: 31 }, () => api(emu, 'SentenceRecognition', body)));
		const codes = answers.map((answer) => errorOf(answer.response));
		expect(codes.filter((code) => code === undefined)).toHaveLength(30);
		expect(codes.filter((code) => code === 'RequestLimitExceeded')).toHaveLength(1);
		expect(emu.stats().actions.SentenceRecognition).toEqual({
			requests: 31,
			refusals: 1,
			faults: 0,
			peakPerSecond: 31,
			limit: { requests: 30, windowSeconds: 1 },
			limitPerSecond: 30,
		});
		await emu.advanceClock(1);
		expect(errorOf((await api(emu, 'SentenceRecognition', body)).response)).toBeUndefined();
		expect(emu.stats().actions.SentenceRecognition.peakPerSecond).toBe(31);
		emu.resetStats();
		expect(emu.stats()).toEqual({ actions: {}, requests: 0, refusals: 0, faults: 0 });
	});

	it('takes rateLimits overrides and a fixed latency', async () => {
		const emu = await start({ rateLimits: { GetUserAppId: 2 }, latencyMs: 50 });
		const started = performance.now();
		const answers = await Promise.all(Array.from({ length: 3 }, () => api(emu, 'GetUserAppId')));
		expect(performance.now() - started).toBeGreaterThanOrEqual(45);
		expect(answers.map((answer) => errorOf(answer.response) ?? 'ok').sort()).toEqual(['RequestLimitExceeded', 'ok', 'ok']);
		expect(emu.stats().actions.GetUserAppId).toMatchObject({ requests: 3, refusals: 1, limitPerSecond: 2 });
	});
});
