/**
 * Tests of the flash recording recognition emulator (test/emulators/tencentFlashAsr.ts) over real
 * HTTP: the verifier against the vectors computed with the official speech SDKs
 * (test/fixtures/tencent-flash-signing-vectors.json), every refusal with its documented code,
 * the answer shape, the long fixture's segments in milliseconds, the concurrency limit and the
 * route through the gateway. Requests are signed by the test client in ./clients.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, fixtureTable, fixtureText, silentMp3 } from '../helpers/fixtures';
import { encodeTestWav } from './audio';
import { flashCall, flashClientSignature, legacyCall, tc3Call, type FlashCall } from './clients';
import { TranscriptRegistry } from './common';
import { startGateway, tencentGatewayRoutes, type Gateway } from './gateway';
import { startTencentCloudEmulator } from './tencentCloud';
import {
	FLASH_LIMITS,
	flashSignature,
	flashStringToSign,
	startTencentFlashAsrEmulator,
	type TencentFlashAsrEmulator,
	type TencentFlashAsrEmulatorOptions,
} from './tencentFlashAsr';
import { startTencentLegacyAsrEmulator } from './tencentLegacyAsr';

interface Vector {
	name: string;
	appid: string;
	secretKey: string;
	params: Record<string, string>;
	stringToSign: string;
	authorization: string;
}
const VECTORS = (
	JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'tencent-flash-signing-vectors.json'), 'utf8')) as { vectors: Vector[] }
).vectors;

const SECRET_ID = 'AKIDflashEmulatorTest0001';
const SECRET_KEY = 'flash-emulator-secret-key-0001';
const APP_ID = 1250000777;

const SPEECH = fixture('speech-16k-mono.mp3');
const SPEECH_WAV = fixture('speech-16k-mono.wav');
const LONG = fixture('long-16k-mono.mp3');
const LONG_ENTRY = fixtureTable.files['long-16k-mono.mp3'];
const LONG_SEGMENTS = LONG_ENTRY.segments!;
const LONG_SECONDS = (LONG_ENTRY.ffprobe as { durationSeconds: number }).durationSeconds;
const STEREO = fixture('cbr-44k-stereo.mp3');

const transcripts = new TranscriptRegistry();
transcripts.register(SPEECH, fixtureText('speech-16k-mono.mp3'), 6.516);
transcripts.register(SPEECH_WAV, fixtureText('speech-16k-mono.wav'));
transcripts.register(LONG, LONG_ENTRY.text!, { durationSeconds: LONG_SECONDS, segments: LONG_SEGMENTS });
transcripts.register(STEREO, 'Stereo words here.', 2);

const emulators: TencentFlashAsrEmulator[] = [];
const others: Array<{ close(): Promise<void> }> = [];
async function start(extra: Partial<TencentFlashAsrEmulatorOptions> = {}): Promise<TencentFlashAsrEmulator> {
	const emu = await startTencentFlashAsrEmulator({ secretId: SECRET_ID, secretKey: SECRET_KEY, appId: APP_ID, transcripts, freezeClock: true, ...extra });
	emulators.push(emu);
	return emu;
}
afterEach(async () => {
	await Promise.all([...emulators.splice(0), ...others.splice(0)].map((emu) => emu.close()));
});

/** A valid request for `emu` with `params` merged over the defaults (undefined removes one). */
function call(emu: TencentFlashAsrEmulator, extra: Partial<FlashCall> & { set?: Record<string, string | undefined> } = {}) {
	const merged: Record<string, string | undefined> = {
		secretid: SECRET_ID,
		timestamp: String(emu.nowSeconds()),
		engine_type: '16k_zh',
		voice_format: 'mp3',
		...extra.set,
	};
	const params = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)) as Record<string, string>;
	return flashCall({ url: emu.url, appId: APP_ID, secretKey: SECRET_KEY, params, body: SPEECH, ...extra });
}

const codeOf = (answer: { json?: any }) => answer.json?.code as number;

describe('flash signature (vectors computed with the official SDKs)', () => {
	it.each(VECTORS.map((vector) => [vector.name, vector] as const))('reproduces: %s', (_name, vector) => {
		expect(flashStringToSign(vector.appid, vector.params)).toBe(vector.stringToSign);
		expect(flashSignature(vector.secretKey, vector.stringToSign)).toBe(vector.authorization);
		expect(flashClientSignature(vector.secretKey, vector.appid, vector.params)).toBe(vector.authorization);
	});

	it('the first vector is the documented request example', () => {
		expect(VECTORS[0].authorization).toBe('R53FKwXyJujLC+W2rqJijhmS1a4=');
	});

	it.each(VECTORS.map((vector) => [vector.name, vector] as const))(
		'accepts the request of the vector with its SDK-computed Authorization: %s',
		async (_name, vector) => {
			const body = vector.params.voice_format === 'wav' ? SPEECH_WAV : vector.params.voice_format === 'pcm' ? Buffer.alloc(16000, 1) : SPEECH;
			const emu = await startTencentFlashAsrEmulator({
				secretId: vector.params.secretid,
				secretKey: vector.secretKey,
				appId: Number(vector.appid),
				transcripts,
				freezeClock: true,
			});
			emulators.push(emu);
			emu.setClock(Number(vector.params.timestamp));
			const answer = await flashCall({ url: emu.url, appId: vector.appid, secretKey: vector.secretKey, params: vector.params, body, authorization: vector.authorization });
			expect(answer.status).toBe(200);
			expect(answer.json).toMatchObject({ code: 0, message: '' });
			// The same request with one value changed after signing is refused.
			const tampered = await flashCall({
				url: emu.url,
				appId: vector.appid,
				secretKey: vector.secretKey,
				params: { ...vector.params, voice_format: vector.params.voice_format === 'mp3' ? 'wav' : 'mp3' },
				body,
				authorization: vector.authorization,
			});
			expect(codeOf(tampered)).toBe(4002);
		},
	);

	it('takes raw values as the Python and Go SDKs send them, and form-encoded ones (+ is a space)', async () => {
		const emu = await start();
		const hotwords = '腾讯云|10,语音识别|5,ASR|11';
		expect(codeOf(await call(emu, { set: { hotword_list: hotwords }, encoding: 'raw' }))).toBe(0);
		expect(emu.requests.at(-1)?.params.hotword_list).toBe(hotwords);
		const params = { secretid: SECRET_ID, timestamp: String(emu.nowSeconds()), engine_type: '16k_zh', voice_format: 'mp3', hotword_list: 'Tencent Cloud|10' };
		const query = new URLSearchParams(params).toString();
		expect(query).toContain('Tencent+Cloud%7C10');
		const { request } = await import('undici');
		const answer = await request(`${emu.url}/asr/flash/v1/${APP_ID}?${query}`, {
			method: 'POST',
			headers: { authorization: flashClientSignature(SECRET_KEY, APP_ID, params) },
			body: SPEECH,
		});
		expect(((await answer.body.json()) as any).code).toBe(0);
		expect(emu.requests.at(-1)?.params.hotword_list).toBe('Tencent Cloud|10');
	});

	it('signs with asr.cloud.tencent.com whatever host the request went to', async () => {
		const emu = await start();
		const params = { secretid: SECRET_ID, timestamp: String(emu.nowSeconds()), engine_type: '16k_zh', voice_format: 'mp3' };
		const byHost = (host: string) =>
			flashSignature(SECRET_KEY, flashStringToSign(APP_ID, params).replace('asr.cloud.tencent.com', host));
		expect(codeOf(await flashCall({ url: emu.url, appId: APP_ID, secretKey: SECRET_KEY, params, body: SPEECH, authorization: byHost('127.0.0.1') }))).toBe(4002);
		expect(codeOf(await flashCall({ url: emu.url, appId: APP_ID, secretKey: SECRET_KEY, params, body: SPEECH }))).toBe(0);
	});
});

describe('flash answers', () => {
	it('answers a registered recording with the documented shape', async () => {
		const emu = await start();
		const answer = await call(emu);
		expect(answer.status).toBe(200);
		expect(Object.keys(answer.json)).toEqual(['request_id', 'code', 'message', 'audio_duration', 'flash_result']);
		expect(answer.json.request_id).toMatch(/^[0-9a-f]{24}$/);
		expect(answer.json.audio_duration).toBe(6516);
		expect(answer.json.flash_result).toHaveLength(1);
		const [channel] = answer.json.flash_result;
		expect(channel.channel_id).toBe(0);
		expect(channel.text).toBe(fixtureText('speech-16k-mono.mp3'));
		expect(channel.sentence_list.map((s: any) => s.text).join('')).toBe(channel.text);
		for (const sentence of channel.sentence_list) {
			expect(Object.keys(sentence)).toEqual(['text', 'start_time', 'end_time', 'speaker_id']);
			expect(sentence.end_time).toBeGreaterThan(sentence.start_time);
			expect(sentence.end_time).toBeLessThanOrEqual(6516);
		}
		expect(emu.recognitions).toHaveLength(1);
		expect(emu.recognitions[0]).toMatchObject({ request_id: answer.json.request_id, bytes: SPEECH.length, audioDurationMs: 6516 });
	});

	it('answers the long fixture with its registered segments, in milliseconds exactly', async () => {
		const emu = await start();
		const answer = await call(emu, { body: LONG });
		expect(codeOf(answer)).toBe(0);
		expect(answer.json.audio_duration).toBe(Math.round(LONG_SECONDS * 1000));
		const sentences = answer.json.flash_result[0].sentence_list;
		expect(sentences.map((s: any) => [s.start_time, s.end_time, s.text])).toEqual(
			LONG_SEGMENTS.map((segment) => [Math.round(segment.startSeconds * 1000), Math.round(segment.endSeconds * 1000), segment.text]),
		);
		expect(answer.json.flash_result[0].text).toBe(LONG_ENTRY.text);
	});

	it('word_info 0 has no word_list; 1 words without punctuation; 2 with; 3 splits at punctuation', async () => {
		const emu = await start();
		const at = async (wordInfo: string) => (await call(emu, { body: LONG, set: { word_info: wordInfo } })).json.flash_result[0].sentence_list;
		expect((await at('0'))[0].word_list).toBeUndefined();
		const one = await at('1');
		expect(one[0].word_list.some((w: any) => w.word === '，')).toBe(false);
		expect(one[0].word_list[0]).toEqual({ word: '大', start_time: 0, end_time: expect.any(Number), stable_flag: 1 });
		const two = await at('2');
		expect(two[0].word_list.some((w: any) => w.word === '，')).toBe(true);
		const last = two[0].word_list.at(-1);
		expect(last.end_time).toBe(Math.round(LONG_SEGMENTS[0].endSeconds * 1000));
		const three = await at('3');
		expect(three.length).toBeGreaterThan(LONG_SEGMENTS.length);
		expect(three[0].text).toBe('大家好，');
		expect(three.map((s: any) => s.text).join('')).toBe(LONG_ENTRY.text);
	});

	it('filter_punc 2 drops all punctuation; speaker ids appear only with speaker_diarization', async () => {
		const registry = new TranscriptRegistry();
		const wav = encodeTestWav(4, 16000, 77);
		registry.register(wav, '你好。再见！', {
			durationSeconds: 4,
			segments: [
				{ startSeconds: 0.5, endSeconds: 1.5, text: '你好。', speakerId: 0 },
				{ startSeconds: 2, endSeconds: 3.25, text: '再见！', speakerId: 1 },
			],
		});
		const emu = await start({ transcripts: registry });
		const plain = await call(emu, { body: wav, set: { voice_format: 'wav', filter_punc: '2' } });
		expect(plain.json.flash_result[0].sentence_list.map((s: any) => [s.text, s.start_time, s.end_time, s.speaker_id])).toEqual([
			['你好', 500, 1500, 0],
			['再见', 2000, 3250, 0],
		]);
		const split = await call(emu, { body: wav, set: { voice_format: 'wav', speaker_diarization: '1' } });
		expect(split.json.flash_result[0].sentence_list.map((s: any) => s.speaker_id)).toEqual([0, 1]);
	});

	it('answers unknown audio with an empty result, and each channel when first_channel_only=0', async () => {
		const emu = await start();
		const unknown = await call(emu, { body: encodeTestWav(1, 16000, 99), set: { voice_format: 'wav' } });
		expect(unknown.json.flash_result).toEqual([{ text: '', channel_id: 0, sentence_list: [] }]);
		const stereo = await call(emu, { body: STEREO, set: { first_channel_only: '0' } });
		expect(stereo.json.flash_result.map((r: any) => [r.channel_id, r.text])).toEqual([
			[0, 'Stereo words here.'],
			[1, 'Stereo words here.'],
		]);
		expect((await call(emu, { body: STEREO })).json.flash_result).toHaveLength(1);
	});
});

describe('flash refusals', () => {
	it.each([
		['a missing engine_type', { engine_type: undefined }],
		['an unknown parameter', { voiceformat: 'mp3' }],
		['an unsupported voice_format', { voice_format: 'flac' }],
		['an unsupported engine_type', { engine_type: '16k_klingon' }],
		['word_info 4', { word_info: '4' }],
		['a non-integer filter_punc', { filter_punc: 'yes' }],
		['sentence_max_length 5', { sentence_max_length: '5' }],
		['sentence_max_length with 16k_en', { engine_type: '16k_en', sentence_max_length: '20' }],
		['input_sample_rate with mp3', { input_sample_rate: '8000' }],
		['a hotword weight of 12', { hotword_list: '腾讯云|12' }],
		['a hotword of 11 Chinese characters', { hotword_list: '一二三四五六七八九十一|5' }],
		['a timestamp that is not a number', { timestamp: 'now' }],
	])('answers 4001 for %s', async (_what, set) => {
		const emu = await start();
		const answer = await call(emu, { set });
		expect(answer.status).toBe(200);
		expect(Object.keys(answer.json)).toEqual(['request_id', 'code', 'message']);
		expect(answer.json.code).toBe(4001);
		expect(answer.json.message).toMatch(/^参数不合法: /);
		expect(emu.recognitions).toHaveLength(0);
	});

	it('answers 4001 for duplicated parameters and a non-numeric appid', async () => {
		const emu = await start();
		const params = { secretid: SECRET_ID, timestamp: String(emu.nowSeconds()), engine_type: '16k_zh', voice_format: 'mp3' };
		const { request } = await import('undici');
		const duplicated = await request(`${emu.url}/asr/flash/v1/${APP_ID}?${new URLSearchParams(params)}&voice_format=wav`, {
			method: 'POST',
			headers: { authorization: flashClientSignature(SECRET_KEY, APP_ID, params) },
			body: SPEECH,
		});
		expect((await duplicated.body.json()) as any).toMatchObject({ code: 4001 });
		expect(codeOf(await flashCall({ url: emu.url, appId: 'abc', secretKey: SECRET_KEY, params, body: SPEECH }))).toBe(4001);
	});

	it('answers 4002 for a wrong appid, secretid, key, timestamp, token or a missing Authorization', async () => {
		const emu = await start();
		const now = emu.nowSeconds();
		expect(codeOf(await call(emu, { appId: APP_ID + 1 }))).toBe(4002);
		expect(codeOf(await call(emu, { set: { secretid: 'AKIDother' } }))).toBe(4002);
		expect(codeOf(await call(emu, { secretKey: 'wrong-key' }))).toBe(4002);
		expect(codeOf(await call(emu, { authorization: null }))).toBe(4002);
		expect(codeOf(await call(emu, { set: { timestamp: String(now - FLASH_LIMITS.timestampSkewSeconds - 1) } }))).toBe(4002);
		expect(codeOf(await call(emu, { set: { timestamp: String(now + FLASH_LIMITS.timestampSkewSeconds + 1) } }))).toBe(4002);
		expect(codeOf(await call(emu, { set: { timestamp: String(now - FLASH_LIMITS.timestampSkewSeconds) } }))).toBe(0);
		expect(codeOf(await call(emu, { set: { token: 'unexpected' } }))).toBe(4002);
		expect(emu.requests.filter((r) => r.code === 4002).map((r) => r.message)).toEqual([
			expect.stringMatching(/^鉴权失败: appid/),
			expect.stringMatching(/secretid/),
			expect.stringMatching(/signature/),
			expect.stringMatching(/Authorization/),
			expect.stringMatching(/3 minutes/),
			expect.stringMatching(/3 minutes/),
			expect.stringMatching(/token/),
		]);
		expect(emu.requests.at(-1)?.params.token).toBe('<redacted>');
	});

	it('answers 4002 when the signature covers the URL-encoded values instead of the raw ones', async () => {
		const emu = await start();
		const params = { secretid: SECRET_ID, timestamp: String(emu.nowSeconds()), engine_type: '16k_zh', voice_format: 'mp3', hotword_list: '腾讯云|10' };
		const encoded = { ...params, hotword_list: encodeURIComponent(params.hotword_list) };
		const answer = await flashCall({ url: emu.url, appId: APP_ID, secretKey: SECRET_KEY, params, body: SPEECH, authorization: flashClientSignature(SECRET_KEY, APP_ID, encoded) });
		expect(codeOf(answer)).toBe(4002);
	});

	it('takes temporary credentials as a signed token parameter or an X-TC-Token header', async () => {
		const emu = await start({ sessionToken: 'sts-token-1' });
		expect(codeOf(await call(emu))).toBe(4002);
		expect(codeOf(await call(emu, { set: { token: 'sts-token-1' } }))).toBe(0);
		expect(codeOf(await call(emu, { headers: { 'x-tc-token': 'sts-token-1' } }))).toBe(0);
		expect(codeOf(await call(emu, { headers: { 'x-tc-token': 'sts-token-2' } }))).toBe(4002);
	});

	it('answers 4007 for audio that is not in voice_format, 4012 for an empty body', async () => {
		const emu = await start();
		expect(codeOf(await call(emu, { set: { voice_format: 'wav' } }))).toBe(4007);
		expect(codeOf(await call(emu, { body: SPEECH_WAV, set: { voice_format: 'pcm' } }))).toBe(4007);
		expect(codeOf(await call(emu, { body: SPEECH_WAV, set: { voice_format: 'm4a' } }))).toBe(4007);
		expect(codeOf(await call(emu, { body: Buffer.alloc(0) }))).toBe(4012);
		expect(codeOf(await call(emu, { body: Buffer.alloc(32000, 1), set: { voice_format: 'pcm' } }))).toBe(0);
		expect(emu.recognitions).toHaveLength(1);
	});

	it('answers 4011 for a body over 100 MB and refuses audio over 2 hours', async () => {
		const emu = await start();
		const huge = Buffer.alloc(FLASH_LIMITS.bodyBytes + 1);
		SPEECH.copy(huge);
		expect(codeOf(await call(emu, { body: huge }))).toBe(4011);
		const long = silentMp3(100_001);
		const tooLong = await call(emu, { body: long, set: { engine_type: '8k_zh' } });
		expect(tooLong.json).toMatchObject({ code: 4001, message: expect.stringContaining('2 hours') });
		expect(codeOf(await call(emu, { body: silentMp3(99_999), set: { engine_type: '8k_zh' } }))).toBe(0);
	});

	it('answers other paths and methods with HTTP 404', async () => {
		const emu = await start();
		const { request } = await import('undici');
		const get = await request(`${emu.url}/asr/flash/v1/${APP_ID}`);
		expect(get.statusCode).toBe(404);
		expect(await get.body.json()).toMatchObject({ code: 4001 });
		const other = await request(`${emu.url}/asr/v1/${APP_ID}`, { method: 'POST', body: SPEECH });
		expect(other.statusCode).toBe(404);
		await other.body.dump();
	});
});

describe('flash limits', () => {
	it('refuses a request over the concurrency limit with 4006 and counts the refusal', async () => {
		const emu = await start({ concurrency: 1 });
		emu.faults.add({ kind: 'slow', delayMs: 60_000 });
		const abort = new AbortController();
		const first = call(emu, { signal: abort.signal }).catch((error: { name: string }) => error);
		while (emu.recognitions.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
		const second = await call(emu);
		expect(second.json).toMatchObject({ code: 4006, message: expect.stringContaining('账号当前调用并发超限') });
		abort.abort();
		expect(await first).toMatchObject({ name: 'AbortError' });
		expect(emu.stats().actions.flash).toMatchObject({ requests: 2, refusals: 1, faults: 1 });
		// Once the first request is gone (its socket closed), the slot is free again.
		let third = await call(emu);
		while (codeOf(third) === 4006) third = await call(emu);
		expect(codeOf(third)).toBe(0);
		expect(emu.recognitions).toHaveLength(2);
	});
});

describe('flash behind the gateway', () => {
	let gateway: Gateway;
	it('is reachable at /asr/flash/v1/ next to the legacy API and API 3.0 on one gateway', async () => {
		const flash = await start();
		const legacy = await startTencentLegacyAsrEmulator({ secretId: SECRET_ID, secretKey: SECRET_KEY, appId: APP_ID, transcripts, freezeClock: true });
		const api = await startTencentCloudEmulator({ secretId: SECRET_ID, secretKey: SECRET_KEY, appId: APP_ID, sdkAppIds: [], transcripts, freezeClock: true });
		gateway = await startGateway(tencentGatewayRoutes({ api, legacy, flash }));
		others.push(legacy, api, gateway);
		const viaGateway = await call(flash, { url: gateway.url });
		expect(codeOf(viaGateway)).toBe(0);
		expect(flash.recognitions).toHaveLength(1);
		const now = legacy.nowSeconds();
		const legacyAnswer = await legacyCall({
			url: gateway.url,
			appId: APP_ID,
			secretKey: SECRET_KEY,
			params: {
				projectid: '0',
				secretid: SECRET_ID,
				sub_service_type: '0',
				engine_model_type: '16k_0',
				res_text_format: '0',
				res_type: '1',
				callback_url: 'http://127.0.0.1:1/cb',
				source_type: '1',
				timestamp: String(now),
				expired: String(now + 600),
				nonce: '4242',
			},
			body: SPEECH,
		});
		expect(legacyAnswer.json).toMatchObject({ code: 0 });
		const apiAnswer = await tc3Call({ url: gateway.url, secretId: SECRET_ID, secretKey: SECRET_KEY, action: 'GetUserAppId', timestamp: api.nowSeconds() });
		expect(apiAnswer.json.Response.AppId).toBe(APP_ID);
		expect(gateway.requests.map((r) => r.path.split('?')[0])).toEqual([`/asr/flash/v1/${APP_ID}`, `/asr/v1/${APP_ID}`, '/']);
	});
});
