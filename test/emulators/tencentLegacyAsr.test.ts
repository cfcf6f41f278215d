/**
 * Tests of the legacy ASR emulator (docs/tencent-legacy-asr.md, docs/tencent-asr-callbacks.md): the
 * HMAC-SHA1 verifier against the three documented vectors, every request error code it enforces (incl. nonce
 * replay and expiry), and the legacy callbacks. Requests are signed by a test-only signer.
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { readBody, startFileServer, startServer, TranscriptRegistry, type RunningServer } from './common';
import { encodeTestMp3, encodeTestWav } from './audio';
import {
	legacyCanonicalQuery,
	legacySignature,
	legacyStringToSign,
	parseLegacyQuery,
	startTencentLegacyAsrEmulator,
	type TencentLegacyAsrEmulator,
	type TencentLegacyAsrEmulatorOptions,
} from './tencentLegacyAsr';

const SECRET_ID = 'AKIDlegacytest0001';
const SECRET_KEY = 'legacy-secret-key-0001';
const APP_ID = 1259228442;

// ----- test-only client signer (docs/tencent-legacy-asr.md#signature) --------------------------

function clientSignature(secretKey: string, appId: number | string, params: Record<string, string>, host = 'aai.qcloud.com'): string {
	const joined = Object.keys(params)
		.filter((key) => key !== 'appid')
		.sort()
		.map((key) => `${key}=${params[key]}`)
		.join('&');
	return createHmac('sha1', secretKey).update(`POST${host}/asr/v1/${appId}?${joined}`).digest('base64');
}

interface SubmitOptions {
	/** Parameters to set (merged over the defaults); `undefined` removes a default. */
	params?: Record<string, string | undefined>;
	body?: Buffer;
	contentType?: string;
	/** Replaces the Authorization header; null sends none. */
	authorization?: string | null;
	appIdPath?: string | number;
	signKey?: string;
	signHost?: string;
	/** Sign the URL-encoded values instead of the raw ones (a classic client bug). */
	signEncoded?: boolean;
	/** Raw query string to send instead of the encoded params (signature still over params). */
	rawQuery?: string;
}

let nonce = 1000;

async function submit(emu: TencentLegacyAsrEmulator, options: SubmitOptions = {}) {
	const now = emu.nowSeconds();
	nonce += 1;
	const merged: Record<string, string | undefined> = {
		projectid: '0',
		secretid: SECRET_ID,
		sub_service_type: '0',
		engine_model_type: '16k_0',
		res_text_format: '0',
		res_type: '1',
		callback_url: 'http://127.0.0.1:1/cb',
		channel_num: '1',
		source_type: '0',
		url: `${files.url}/hello.mp3`,
		timestamp: String(now),
		expired: String(now + 3600),
		nonce: String(nonce),
		...options.params,
	};
	const params = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as Record<string, string>;
	const appId = options.appIdPath ?? APP_ID;
	const signed = options.signEncoded
		? Object.fromEntries(Object.entries(params).map(([k, v]) => [k, encodeURIComponent(v)]))
		: params;
	const signature = clientSignature(options.signKey ?? SECRET_KEY, appId, signed, options.signHost);
	const query =
		options.rawQuery ??
		Object.entries(params)
			.map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
			.join('&');
	const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/octet-stream' };
	const authorization = options.authorization === undefined ? signature : options.authorization;
	if (authorization !== null) {
		headers.authorization = authorization;
	}
	const answer = await request(`${emu.url}/asr/v1/${appId}?${query}`, {
		method: 'POST',
		headers,
		body: options.body ?? Buffer.alloc(0),
	});
	const text = await answer.body.text();
	return { status: answer.statusCode, json: JSON.parse(text) as { code: number; message: string; requestId?: number } };
}

// ----- fixtures ------------------------------------------------------------------------------

let dir: string;
let files: RunningServer;
const transcripts = new TranscriptRegistry();
const mp3 = encodeTestMp3(2.88, 11);
const wav = encodeTestWav(1.25, 8000, 12);

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'tc-legacy-'));
	await writeFile(join(dir, 'hello.mp3'), mp3);
	await writeFile(join(dir, 'empty.wav'), Buffer.alloc(0));
	files = await startFileServer(dir);
	transcripts.register(mp3, '您好 world & more', 2.35);
	transcripts.register(wav, '电话录音');
});

afterAll(async () => {
	await files.close();
	await rm(dir, { recursive: true, force: true });
});

const emulators: TencentLegacyAsrEmulator[] = [];
async function start(extra: Partial<TencentLegacyAsrEmulatorOptions> = {}): Promise<TencentLegacyAsrEmulator> {
	const emu = await startTencentLegacyAsrEmulator({
		secretId: SECRET_ID,
		secretKey: SECRET_KEY,
		appId: APP_ID,
		transcripts,
		freezeClock: true,
		callbackRetryIntervalMs: 0,
		...extra,
	});
	emulators.push(emu);
	return emu;
}
afterEach(async () => {
	await Promise.all(emulators.splice(0).map((emu) => emu.close()));
});

async function receiver(answers: Array<[number, string]>) {
	const received: Array<{ contentType: string; body: string }> = [];
	const server = await startServer(async (req, res) => {
		const body = (await readBody(req)).toString('utf8');
		received.push({ contentType: String(req.headers['content-type']), body });
		const [status, text] = answers[Math.min(received.length - 1, answers.length - 1)];
		res.writeHead(status, { 'content-type': 'application/json' }).end(text);
	});
	return { server, received };
}

// ----- vectors -------------------------------------------------------------------------------

describe('legacy HMAC-SHA1 verifier (documented vectors, docs/tencent-legacy-asr.md#signature)', () => {
	const base = {
		callback_url: 'http://test.qq.com',
		channel_num: '1',
		engine_model_type: '8k_0',
		nonce: '6666',
		projectid: '0',
		res_text_format: '0',
		res_type: '1',
		secretid: 'AKIDoQq1zhZMN8dv0psmvud6OUKuGPO7pu0r',
		sub_service_type: '0',
	};

	it('reproduces the URL-source vector, also from an URL-encoded wire query', () => {
		const params = {
			...base,
			expired: '1561464926',
			source_type: '0',
			timestamp: '1561461326',
			url: 'https://xuhai2-1255824371.cos.ap-chengdu.myqcloud.com/test.wav',
		};
		const expected =
			'POSTaai.qcloud.com/asr/v1/1259228442?callback_url=http://test.qq.com&channel_num=1&engine_model_type=8k_0&expired=1561464926&nonce=6666&projectid=0&res_text_format=0&res_type=1&secretid=AKIDoQq1zhZMN8dv0psmvud6OUKuGPO7pu0r&source_type=0&sub_service_type=0&timestamp=1561461326&url=https://xuhai2-1255824371.cos.ap-chengdu.myqcloud.com/test.wav';
		expect(legacyStringToSign(1259228442, params)).toBe(expected);
		expect(legacySignature('kFpwoX5RYQ2SkqpeHgqmSzHK7h3A2fni', expected)).toBe('5Zb1hKd8uo4H+AgpMbktZhHqqjY=');
		// The order on the wire does not matter, values are decoded, appid is excluded.
		const wire = `url=${encodeURIComponent(params.url)}&appid=1259228442&${Object.entries(params)
			.filter(([key]) => key !== 'url')
			.reverse()
			.map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
			.join('&')}`;
		expect(legacyStringToSign(1259228442, parseLegacyQuery(wire))).toBe(expected);
	});

	it('reproduces the body-source vector', () => {
		const stringToSign = legacyStringToSign(1259228442, {
			...base,
			expired: '1561465286',
			source_type: '1',
			timestamp: '1561461686',
		});
		expect(stringToSign).toBe(
			'POSTaai.qcloud.com/asr/v1/1259228442?callback_url=http://test.qq.com&channel_num=1&engine_model_type=8k_0&expired=1561465286&nonce=6666&projectid=0&res_text_format=0&res_type=1&secretid=AKIDoQq1zhZMN8dv0psmvud6OUKuGPO7pu0r&source_type=1&sub_service_type=0&timestamp=1561461686',
		);
		expect(legacySignature('kFpwoX5RYQ2SkqpeHgqmSzHK7h3A2fni', stringToSign)).toBe('j8AY1RkedGSoDxCjAEtT2pq/r1w=');
	});

	it('reproduces the seed document vector', () => {
		const stringToSign = legacyStringToSign(2000001, {
			url: 'http://test.qq.com/voice_url',
			timestamp: '1473752207',
			sub_service_type: '0',
			source_type: '0',
			secretid: 'AKIDUfLUEUigQiXqm7CVSspKJnuaiIKtxqAv',
			res_type: '1',
			res_text_format: '0',
			projectid: '0',
			nonce: '44925',
			expired: '1473752807',
			engine_model_type: '1',
			callback_url: 'http://test.qq.com/rec_callback',
		});
		expect(stringToSign).toBe(
			'POSTaai.qcloud.com/asr/v1/2000001?callback_url=http://test.qq.com/rec_callback&engine_model_type=1&expired=1473752807&nonce=44925&projectid=0&res_text_format=0&res_type=1&secretid=AKIDUfLUEUigQiXqm7CVSspKJnuaiIKtxqAv&source_type=0&sub_service_type=0&timestamp=1473752207&url=http://test.qq.com/voice_url',
		);
		expect(legacySignature('bLcPnl88WU30VY57ipRhSePfPdOfSruK', stringToSign)).toBe('UyKZ+Q4xMbdu3gxOmPD7tgnAm1A=');
		expect(clientSignature('bLcPnl88WU30VY57ipRhSePfPdOfSruK', 2000001, {
			callback_url: 'http://test.qq.com/rec_callback',
			engine_model_type: '1',
			expired: '1473752807',
			nonce: '44925',
			projectid: '0',
			res_text_format: '0',
			res_type: '1',
			secretid: 'AKIDUfLUEUigQiXqm7CVSspKJnuaiIKtxqAv',
			source_type: '0',
			sub_service_type: '0',
			timestamp: '1473752207',
			url: 'http://test.qq.com/voice_url',
		})).toBe('UyKZ+Q4xMbdu3gxOmPD7tgnAm1A=');
	});

	it('sorts keys in byte order and decodes + as a space', () => {
		expect(legacyCanonicalQuery([['b', '1'], ['B', '2'], ['a_b', '3'], ['aB', '4']])).toBe('B=2&aB=4&a_b=3&b=1');
		expect(parseLegacyQuery('a=x+y%20z&b=%E4%BD%A0')).toEqual([['a', 'x y z'], ['b', '你']]);
		expect(() => parseLegacyQuery('a=1&a=2')).toThrow();
		expect(() => parseLegacyQuery('a=%E4%BD')).toThrow();
	});
});

// ----- requests ------------------------------------------------------------------------------

describe('legacy request checks', () => {
	it('accepts a URL request signed over aai.qcloud.com whatever the Host, with raw (decoded) values', async () => {
		const emu = await start();
		const callback = 'http://127.0.0.1:1/cb?token=a b&x=1';
		const ok = await submit(emu, { params: { callback_url: callback } });
		expect(ok).toEqual({ status: 200, json: { code: 0, message: 'success', requestId: 500 } });
		expect(emu.tasks[0]).toMatchObject({ requestId: 500, sourceType: 0, callbackUrl: callback });
		const second = await submit(emu);
		expect(second.json.requestId).toBe(501);
		// Signing the Host actually used, or the encoded values, fails.
		expect((await submit(emu, { signHost: new URL(emu.url).host })).json.code).toBe(1030);
		expect((await submit(emu, { signEncoded: true, params: { callback_url: callback } })).json.code).toBe(1030);
	});

	it('answers the seed error codes', async () => {
		const emu = await start();
		const now = emu.nowSeconds();
		const cases: Array<[string, SubmitOptions, number]> = [
			['unknown appid', { appIdPath: 1250000001 }, 1019],
			['duplicated parameter', { rawQuery: `nonce=1&nonce=2&secretid=${SECRET_ID}` }, 1001],
			['no secretid', { params: { secretid: undefined } }, 1010],
			['unknown secretid', { params: { secretid: 'AKIDother' } }, 1027],
			['no Authorization', { authorization: null }, 1022],
			['malformed Authorization', { authorization: 'Bearer x' }, 1022],
			['no timestamp', { params: { timestamp: undefined } }, 1011],
			['bad timestamp', { params: { timestamp: '12ab' } }, 1011],
			['no expired', { params: { expired: undefined } }, 1012],
			['expired not after timestamp', { params: { expired: String(now) } }, 1012],
			['no nonce', { params: { nonce: undefined } }, 1013],
			['nonce of 11 digits', { params: { nonce: '12345678901' } }, 1013],
			['nonce zero', { params: { nonce: '0' } }, 1013],
			['validity of 90 days', { params: { expired: String(now + 90 * 86400) } }, 1024],
			['expired in the past', { params: { timestamp: String(now - 7200), expired: String(now - 1) } }, 1025],
			['timestamp in the future', { params: { timestamp: String(now + 600), expired: String(now + 3600) } }, 1025],
			['wrong key', { signKey: 'another-key' }, 1030],
			['no projectid', { params: { projectid: undefined } }, 1002],
			['bad projectid', { params: { projectid: 'x' } }, 1002],
			['sub_service_type 1', { params: { sub_service_type: '1' } }, 1004],
			['engine 16k_en', { params: { engine_model_type: '16k_en' } }, 1005],
			['res_text_format 4', { params: { res_text_format: '4' } }, 1003],
			['res_type 0', { params: { res_type: '0' } }, 1007],
			['no callback_url', { params: { callback_url: undefined } }, 1006],
			['callback_url not http', { params: { callback_url: 'ftp://x/y' } }, 1006],
			['callback_url of 2048 bytes', { params: { callback_url: `http://a.com/${'x'.repeat(2035)}` } }, 1017],
			['source_type 2', { params: { source_type: '2' } }, 1008],
			['no url', { params: { url: undefined } }, 1009],
			['url of 2048 bytes', { params: { url: `http://a.com/${'x'.repeat(2035)}` } }, 1017],
			['channel_num 3', { params: { channel_num: '3' } }, 1000],
			['channel_num 2 with 16k', { params: { channel_num: '2' } }, 1000],
			['wrong content type', { contentType: 'audio/mpeg' }, 1000],
			['empty body for source_type 1', { params: { source_type: '1', url: undefined } }, 1000],
		];
		for (const [name, options, code] of cases) {
			const result = await submit(emu, options);
			expect({ name, status: result.status, code: result.json.code }).toEqual({ name, status: 200, code });
			expect(result.json.message).toMatch(/^ERROR_[A-Z_]+: /);
		}
		expect(emu.tasks).toHaveLength(0);
		// The valid variants of the same checks pass.
		expect((await submit(emu, { params: { channel_num: '2', engine_model_type: '8k_0' } })).json.code).toBe(0);
		expect((await submit(emu, { params: { channel_num: undefined, engine_model_type: '8k_6' } })).json.code).toBe(0);
		expect((await submit(emu, { params: { expired: String(now + 90 * 86400 - 1) } })).json.code).toBe(0);
	});

	it('rejects a reused nonce while it is valid, and accepts it again once it expired', async () => {
		const emu = await start();
		const now = emu.nowSeconds();
		const fixed = { nonce: '424242', timestamp: String(now), expired: String(now + 60) };
		expect((await submit(emu, { params: fixed })).json.code).toBe(0);
		const replay = await submit(emu, { params: { ...fixed, url: `${files.url}/other.mp3` } });
		expect(replay.json).toEqual({ code: 1029, message: expect.stringContaining('ERROR_PROXY_AUTH_REPLAY_ATTACK') });
		await emu.advanceClock(120);
		const later = emu.nowSeconds();
		expect((await submit(emu, { params: { nonce: '424242', timestamp: String(later), expired: String(later + 60) } })).json.code).toBe(0);
	});

	it('rejects bodies over 5 MB with 1032 and answers 404 elsewhere', async () => {
		const emu = await start();
		const big = Buffer.alloc(5 * 1024 * 1024 + 1);
		const result = await submit(emu, { params: { source_type: '1', url: undefined }, body: big });
		expect(result.json.code).toBe(1032);
		const limit = Buffer.alloc(5 * 1024 * 1024);
		wav.copy(limit);
		expect((await submit(emu, { params: { source_type: '1', url: undefined }, body: limit })).json.code).toBe(0);
		const other = await request(`${emu.url}/asr/v2/${APP_ID}`, { method: 'POST', body: '' });
		expect(other.statusCode).toBe(404);
		expect(await other.body.json()).toMatchObject({ code: 1000 });
	});

	it('injects failures', async () => {
		const emu = await start();
		emu.failNext(1016, 'no free amount left');
		expect((await submit(emu)).json).toEqual({ code: 1016, message: 'ERROR_HAS_NO_AMOUNT: no free amount left' });
		expect((await submit(emu)).json.code).toBe(0);
	});
});

// ----- callbacks -----------------------------------------------------------------------------

describe('legacy callbacks', () => {
	it('sends the legacy form for URL and body sources', async () => {
		const { server, received } = await receiver([[200, '{"code":0,"message":"成功"}']]);
		try {
			const emu = await start();
			await submit(emu, { params: { callback_url: `${server.url}/cb?k=1`, projectid: '0' } });
			await submit(emu, {
				params: { callback_url: `${server.url}/cb?k=2`, source_type: '1', url: undefined, engine_model_type: '8k_0' },
				body: wav,
			});
			const deliveries = await emu.completeAll();
			expect(deliveries.map((delivery) => delivery.accepted)).toEqual([true, true]);
			expect(received.map((item) => item.contentType)).toEqual([
				'application/x-www-form-urlencoded',
				'application/x-www-form-urlencoded',
			]);
			const forms = received.map((item) => new URLSearchParams(item.body));
			const fromUrl = forms.find((form) => form.get('requestId') === '500')!;
			const fromBody = forms.find((form) => form.get('requestId') === '501')!;
			expect([...fromUrl.keys()]).toEqual(['code', 'requestId', 'appid', 'projectid', 'text', 'audioUrl', 'audioTime', 'message']);
			expect(Object.fromEntries(fromUrl)).toEqual({
				code: '0',
				requestId: '500',
				appid: String(APP_ID),
				projectid: '0',
				text: '您好 world & more',
				audioUrl: `${files.url}/hello.mp3`,
				audioTime: '2.350000',
				message: 'success',
			});
			const urlBody = received.find((item) => item.body.includes('requestId=500'))!.body;
			expect(urlBody).toContain('text=%e6%82%a8%e5%a5%bd+world+%26+more');
			expect(urlBody).toContain(`audioUrl=http%3a%2f%2f127.0.0.1%3a${files.port}%2fhello.mp3`);
			expect(Object.fromEntries(fromBody)).toEqual({
				code: '0',
				requestId: '501',
				appid: String(APP_ID),
				projectid: '0',
				text: '电话录音',
				audioTime: '1.250000',
				message: 'success',
			});
			expect(emu.tasks.every((task) => task.completed)).toBe(true);
		} finally {
			await server.close();
		}
	});

	it('reports undecodable, unreachable and empty audio with callback error codes', async () => {
		const { server, received } = await receiver([[200, '{"code":0}']]);
		try {
			const emu = await start();
			await submit(emu, {
				params: { callback_url: `${server.url}/a`, source_type: '1', url: undefined },
				body: Buffer.from('plain text, not audio'),
			});
			await submit(emu, { params: { callback_url: `${server.url}/b`, url: `${files.url}/missing.wav` } });
			await submit(emu, { params: { callback_url: `${server.url}/c`, url: `${files.url}/empty.wav` } });
			await emu.completeAll();
			const forms = received
				.map((item) => Object.fromEntries(new URLSearchParams(item.body)))
				.sort((a, b) => Number(a.requestId) - Number(b.requestId));
			expect(forms).toEqual([
				expect.objectContaining({ code: '10000', message: '语音非标准格式，转码失败', text: '', audioTime: '0.000000' }),
				expect.objectContaining({ code: '10007', message: '语音下载失败', audioUrl: `${files.url}/missing.wav` }),
				expect.objectContaining({ code: '10004', message: '无效的语音文件', audioUrl: `${files.url}/empty.wav` }),
			]);
		} finally {
			await server.close();
		}
	});

	it('calls back on its own after callbackDelaySteps and retries once on a non-zero answer', async () => {
		const { server, received } = await receiver([
			[200, '{"code":500,"message":"overloaded"}'],
			[200, '{"code":0,"message":"success"}'],
		]);
		try {
			const emu = await start({ callbackDelaySteps: 5 });
			await submit(emu, { params: { callback_url: `${server.url}/cb` } });
			await emu.advanceClock(4);
			expect(received).toHaveLength(0);
			await emu.advanceClock(1);
			expect(received).toHaveLength(2);
			expect(emu.deliveries[0].attempts.map((attempt) => attempt.accepted)).toEqual([false, true]);
			expect(await emu.completeAll()).toEqual([]);
		} finally {
			await server.close();
		}
	});
});
