/**
 * Limits and counters for the benchmark: the sliding-window limiter and the per-action
 * statistics (./limits), the documented per-action rate limits of each emulator over real HTTP
 * (refusals counted, peak request rate seen), and the optional fixed latency.
 */
import { request } from 'undici';
import { fixture } from '../helpers/fixtures';
import { cozeTranscribe, flashCall, legacyCall, tc3Call, wechatToken, wechatUpload } from './clients';
import { TranscriptRegistry } from './common';
import { startCozeEmulator } from './coze';
import { RateLimiter, RequestStats } from './limits';
import { startTencentCloudEmulator, type TencentCloudEmulator } from './tencentCloud';
import { startTencentFlashAsrEmulator } from './tencentFlashAsr';
import { startTencentLegacyAsrEmulator } from './tencentLegacyAsr';
import { startWeChatEmulator, WECHAT_STABLE_TOKEN_LIMITS } from './wechat';

const SPEECH = fixture('speech-16k-mono.mp3');
const transcripts = new TranscriptRegistry();
const WECHAT = { appId: 'wxlimits0123456789', appSecret: 'limits-wechat-app-secret-012345' };
const TENCENT = { secretId: 'AKIDlimitsTest0001', secretKey: 'limits-tencent-secret-key-0001', appId: 1250000555 };

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
	await Promise.all(closers.splice(0).map((close) => close()));
});

describe('RateLimiter and RequestStats', () => {
	it('admits `limit` requests in any window and refuses the next one until the window slides', () => {
		const limiter = new RateLimiter();
		expect([1000, 1100, 1999].map((at) => limiter.admit('k', 3, at).ok)).toEqual([true, true, true]);
		expect(limiter.admit('k', 3, 1999)).toEqual({ ok: false, count: 4 });
		expect(limiter.admit('other', 3, 1999).ok).toBe(true);
		expect(limiter.admit('k', 3, 2000).ok).toBe(true);
		expect(limiter.admit('k', 3, 30_000, 60_000)).toEqual({ ok: false, count: 4 });
	});

	it('reports the peak number of requests within any 1000 ms, refusals and faults', () => {
		const stats = new RequestStats((action) => (action === 'A' ? 2 : { requests: 10, windowSeconds: 60 }));
		for (const at of [0, 100, 900, 1500, 1600, 1700, 1800, 5000]) stats.arrive('A', at);
		stats.arrive('B', 0);
		stats.refuse('A');
		stats.fault('B');
		expect(stats.snapshot()).toEqual({
			actions: {
				A: { requests: 8, refusals: 1, faults: 0, peakPerSecond: 5, limit: { requests: 2, windowSeconds: 1 }, limitPerSecond: 2 },
				B: { requests: 1, refusals: 0, faults: 1, peakPerSecond: 1, limit: { requests: 10, windowSeconds: 60 } },
			},
			requests: 9,
			refusals: 1,
			faults: 1,
		});
	});
});

describe('Tencent API 3.0: documented per-action limits', () => {
	let emu: TencentCloudEmulator;
	beforeEach(async () => {
		emu = await startTencentCloudEmulator({ ...TENCENT, sdkAppIds: [1400000001], transcripts, freezeClock: true });
		closers.push(() => emu.close());
	});
	const call = (action: string, body: Record<string, unknown> | string) =>
		tc3Call({ url: emu.url, ...TENCENT, action, body, timestamp: emu.nowSeconds() });

	it.each([
		['CreateRecTask', 20, { EngineModelType: '16k_zh', ChannelNum: 1, ResTextFormat: 0, SourceType: 1, Data: SPEECH.toString('base64'), DataLen: SPEECH.length }],
		['DescribeIvrAudioList', 20, { SdkAppId: 1400000001, PageSize: 10, PageNumber: 0 }],
		['DescribeCCCBuyInfoList', 20, {}],
		['GetAsrVocabList', 20, {}],
		['GetCustomizationList', 20, {}],
		['UploadIvrAudio', 1, { SdkAppId: 1400000001, AudioList: [{ CustomFileName: 'x', AudioUrl: 'http://127.0.0.1:1/x.mp3' }] }],
	] as const)('%s: %i requests per second', async (action, limit, body) => {
		const answers = await Promise.all(Array.from({ length: limit + 1 }, () => call(action, body)));
		const codes = answers.map((answer) => answer.json.Response.Error?.Code ?? 'ok');
		expect(codes.filter((code) => code === 'RequestLimitExceeded')).toHaveLength(1);
		expect(codes.filter((code) => code === 'ok')).toHaveLength(limit);
		expect(emu.stats().actions[action]).toEqual({
			requests: limit + 1,
			refusals: 1,
			faults: 0,
			peakPerSecond: limit + 1,
			limit: { requests: limit, windowSeconds: 1 },
			limitPerSecond: limit,
		});
	});

	it('DescribeTaskStatus: 50 requests per second', async () => {
		const created = await call('CreateRecTask', { EngineModelType: '16k_zh', ChannelNum: 1, ResTextFormat: 0, SourceType: 1, Data: SPEECH.toString('base64'), DataLen: SPEECH.length });
		const taskId = /"TaskId":(\d+)/.exec(created.text)![1];
		const answers = await Promise.all(Array.from({ length: 51 }, () => call('DescribeTaskStatus', `{"TaskId":${taskId}}`)));
		expect(answers.filter((answer) => answer.json.Response.Error?.Code === 'RequestLimitExceeded')).toHaveLength(1);
		expect(emu.stats().actions.DescribeTaskStatus).toMatchObject({ requests: 51, refusals: 1, peakPerSecond: 51, limitPerSecond: 50 });
		expect(emu.stats()).toMatchObject({ requests: 52, refusals: 1 });
	});
});

describe('WeChat: stable_token limits (10,000 a minute, 500,000 a day) and no others', () => {
	it('has the documented defaults', () => {
		expect(WECHAT_STABLE_TOKEN_LIMITS).toEqual({ perMinute: 10_000, perDay: 500_000 });
	});

	it('answers 45011 over the minute limit and 45009 over the day limit, counting refusals', async () => {
		const emu = await startWeChatEmulator({ ...WECHAT, transcripts, freezeClock: true, stableTokenLimits: { perMinute: 3, perDay: 5 } });
		closers.push(() => emu.close());
		const stable = async () =>
			(await (await request(`${emu.url}/cgi-bin/stable_token`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ grant_type: 'client_credential', appid: WECHAT.appId, secret: WECHAT.appSecret }),
			})).body.json()) as { errcode?: number };
		const minute = [];
		for (let i = 0; i < 4; i++) minute.push((await stable()).errcode ?? 0);
		expect(minute).toEqual([0, 0, 0, 45011]);
		emu.advanceClock(60);
		const day = [];
		for (let i = 0; i < 3; i++) day.push((await stable()).errcode ?? 0);
		expect(day).toEqual([0, 0, 45009]);
		expect(emu.stats().actions.stable_token).toMatchObject({ requests: 7, refusals: 2, limit: { requests: 3, windowSeconds: 60 } });
		expect(emu.stats().actions.stable_token.limitPerSecond).toBeUndefined();
	});

	it('counts uploads and their peak rate without limiting them', async () => {
		const emu = await startWeChatEmulator({ ...WECHAT, transcripts, freezeClock: true });
		closers.push(() => emu.close());
		const token = await wechatToken(emu.url, WECHAT.appId, WECHAT.appSecret);
		const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => wechatUpload(emu.url, token, `v${i}`, SPEECH)));
		expect(answers.every((answer) => Number(answer.json.errcode) === 0)).toBe(true);
		expect(emu.stats().actions.upload).toEqual({ requests: 25, refusals: 0, faults: 0, peakPerSecond: 25 });
	});
});

describe('Coze: no documented limit; `rateLimits` applies one', () => {
	it('answers 429 / 4013 past the configured rate and counts the refusal', async () => {
		// A one-minute window, so the test does not depend on how fast the machine is.
		const emu = await startCozeEmulator({
			tokens: { pat_limits: { scopes: ['createTranscription'] } },
			transcripts,
			rateLimits: { transcriptions: { requests: 2, windowSeconds: 60 } },
		});
		closers.push(() => emu.close());
		const answers = await Promise.all(Array.from({ length: 3 }, () => cozeTranscribe(emu.url, 'pat_limits', SPEECH, 'speech.mp3')));
		expect(answers.map((answer) => [answer.status, answer.json.code]).sort()).toEqual([
			[200, 0],
			[200, 0],
			[429, 4013],
		]);
		expect(emu.stats().actions.transcriptions).toMatchObject({ requests: 3, refusals: 1, limit: { requests: 2, windowSeconds: 60 } });
		expect(emu.transcriptions).toHaveLength(2);
	});
});

describe('latencyMs: a fixed delay on every answer', () => {
	it.each([
		['WeChat', async (latencyMs: number) => {
			const emu = await startWeChatEmulator({ ...WECHAT, transcripts, latencyMs });
			closers.push(() => emu.close());
			return async () => Number((await wechatUpload(emu.url, await wechatToken(emu.url, WECHAT.appId, WECHAT.appSecret), 'v', SPEECH)).json.errcode) === 0;
		}],
		['Coze', async (latencyMs: number) => {
			const emu = await startCozeEmulator({ tokens: { pat_l: { scopes: ['createTranscription'] } }, transcripts, latencyMs });
			closers.push(() => emu.close());
			return async () => (await cozeTranscribe(emu.url, 'pat_l', SPEECH, 'speech.mp3')).json.code === 0;
		}],
		['Tencent API 3.0', async (latencyMs: number) => {
			const emu = await startTencentCloudEmulator({ ...TENCENT, sdkAppIds: [], transcripts, latencyMs });
			closers.push(() => emu.close());
			return async () => (await tc3Call({ url: emu.url, ...TENCENT, action: 'GetUserAppId', timestamp: emu.nowSeconds() })).json.Response.AppId === TENCENT.appId;
		}],
		['Tencent legacy ASR', async (latencyMs: number) => {
			const emu = await startTencentLegacyAsrEmulator({ ...TENCENT, transcripts, latencyMs, freezeClock: true });
			closers.push(() => emu.close());
			return async () => {
				const now = emu.nowSeconds();
				const params = { projectid: '0', secretid: TENCENT.secretId, sub_service_type: '0', engine_model_type: '16k_0', res_text_format: '0', res_type: '1', callback_url: 'http://127.0.0.1:1/cb', source_type: '1', timestamp: String(now), expired: String(now + 60), nonce: '9' };
				return (await legacyCall({ url: emu.url, appId: TENCENT.appId, secretKey: TENCENT.secretKey, params, body: SPEECH })).json.code === 0;
			};
		}],
		['Tencent flash ASR', async (latencyMs: number) => {
			const emu = await startTencentFlashAsrEmulator({ ...TENCENT, transcripts, latencyMs });
			closers.push(() => emu.close());
			return async () =>
				(await flashCall({ url: emu.url, appId: TENCENT.appId, secretKey: TENCENT.secretKey, params: { secretid: TENCENT.secretId, timestamp: String(emu.nowSeconds()), engine_type: '16k_zh', voice_format: 'mp3' }, body: SPEECH })).json.code === 0;
		}],
	])('%s', async (_name, make) => {
		const call = await make(150);
		const started = performance.now();
		expect(await call()).toBe(true);
		expect(performance.now() - started).toBeGreaterThanOrEqual(145);
	});
});
