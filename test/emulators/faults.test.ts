/**
 * The fault matrix: every fault kind of ./faults against every emulator (WeChat, Coze, Tencent
 * API 3.0, the legacy ASR API, flash recognition), with a plain HTTP client (undici, ./clients),
 * plus the vendor-specific ones: a WeChat token revoked in the middle of a batch, a Tencent server
 * clock more than 5 minutes off, and ASR callbacks cut off mid-body. Each test checks what the
 * client saw AND the emulator's record of side effects, so "processed or not" is never guessed.
 */
import { fixture } from '../helpers/fixtures';
import { sendAsrCallback } from './callbackSender';
import { cozeTranscribe, flashCall, legacyCall, tc3Call, wechatToken, wechatUpload, type CallOptions, type RawAnswer } from './clients';
import { readBody, startServer, TranscriptRegistry, type RunningServer } from './common';
import { startCozeEmulator } from './coze';
import { FaultInjector, type FaultKind, type FaultSpec } from './faults';
import type { EmulatorStats } from './limits';
import { startTencentCloudEmulator } from './tencentCloud';
import { startTencentFlashAsrEmulator } from './tencentFlashAsr';
import { startTencentLegacyAsrEmulator } from './tencentLegacyAsr';
import { startWeChatEmulator } from './wechat';

const SPEECH = fixture('speech-16k-mono.mp3');
const transcripts = new TranscriptRegistry();
transcripts.register(SPEECH, '今天天气很好。', 6.516);

const WECHAT = { appId: 'wxfaults0123456789', appSecret: 'faults-wechat-app-secret-0123456' };
const TENCENT = { secretId: 'AKIDfaultsTest0001', secretKey: 'faults-tencent-secret-key-0001', appId: 1250000999 };

/** What the matrix needs to know about one emulator. */
interface Subject {
	readonly faults: FaultInjector;
	/** The action name the valid request is matched by. */
	action: string;
	/** A request the emulator accepts and acts on (a side effect). */
	valid(options?: CallOptions): Promise<RawAnswer>;
	ok(answer: RawAnswer): boolean;
	/** How many side effects (uploads, tasks, transcriptions, recognitions) the emulator did. */
	effects(): number;
	/** The vendor's rate-limit answer, or null when the vendor has none. */
	rateLimited: ((answer: RawAnswer) => boolean) | null;
	/** An `error` fault and how its answer looks. */
	error: { spec: Omit<FaultSpec, 'kind'>; seen(answer: RawAnswer): boolean };
	stats(): EmulatorStats;
	close(): Promise<void>;
}

const SUBJECTS: Record<string, () => Promise<Subject>> = {
	WeChat: async () => {
		const emu = await startWeChatEmulator({ ...WECHAT, transcripts });
		const token = await wechatToken(emu.url, WECHAT.appId, WECHAT.appSecret);
		let n = 0;
		return {
			faults: emu.faults,
			action: 'upload',
			valid: async (options) => await wechatUpload(emu.url, token, `voice-${++n}`, SPEECH, options),
			ok: (answer) => Number(answer.json?.errcode) === 0,
			effects: () => emu.uploads.length,
			rateLimited: (answer) => answer.json?.errcode === 45011,
			error: { spec: { code: -1 }, seen: (answer) => answer.json?.errcode === -1 && /^system error rid: /.test(answer.json.errmsg) },
			stats: () => emu.stats(),
			close: () => emu.close(),
		};
	},
	Coze: async () => {
		const emu = await startCozeEmulator({ tokens: { pat_faults: { scopes: ['createTranscription'] } }, transcripts });
		return {
			faults: emu.faults,
			action: 'transcriptions',
			valid: async (options) => await cozeTranscribe(emu.url, 'pat_faults', SPEECH, 'speech.mp3', options),
			ok: (answer) => answer.status === 200 && answer.json?.code === 0,
			effects: () => emu.transcriptions.length,
			rateLimited: (answer) => answer.status === 429 && answer.json?.code === 4013,
			error: { spec: { status: 500, code: 5000 }, seen: (answer) => answer.status === 500 && answer.json?.code === 5000 },
			stats: () => emu.stats(),
			close: () => emu.close(),
		};
	},
	'Tencent API 3.0': async () => {
		const emu = await startTencentCloudEmulator({ ...TENCENT, sdkAppIds: [], transcripts, freezeClock: true });
		return {
			faults: emu.faults,
			action: 'CreateRecTask',
			valid: async (options) =>
				await tc3Call({
					url: emu.url,
					...TENCENT,
					action: 'CreateRecTask',
					timestamp: emu.nowSeconds(),
					body: { EngineModelType: '16k_zh', ChannelNum: 1, ResTextFormat: 0, SourceType: 1, Data: SPEECH.toString('base64'), DataLen: SPEECH.length },
					...options,
				}),
			ok: (answer) => answer.json?.Response?.Error === undefined && /"TaskId":\d+/.test(answer.text),
			effects: () => emu.tasks.length,
			rateLimited: (answer) => answer.json?.Response?.Error?.Code === 'RequestLimitExceeded',
			error: { spec: { code: 'InternalError' }, seen: (answer) => answer.json?.Response?.Error?.Code === 'InternalError' },
			stats: () => emu.stats(),
			close: () => emu.close(),
		};
	},
	'Tencent legacy ASR': async () => {
		const emu = await startTencentLegacyAsrEmulator({ ...TENCENT, transcripts, freezeClock: true });
		let nonce = 100;
		return {
			faults: emu.faults,
			action: 'task',
			valid: async (options) => {
				const now = emu.nowSeconds();
				return await legacyCall({
					url: emu.url,
					appId: TENCENT.appId,
					secretKey: TENCENT.secretKey,
					params: {
						projectid: '0',
						secretid: TENCENT.secretId,
						sub_service_type: '0',
						engine_model_type: '16k_0',
						res_text_format: '0',
						res_type: '1',
						callback_url: 'http://127.0.0.1:1/cb',
						source_type: '1',
						timestamp: String(now),
						expired: String(now + 600),
						nonce: String(++nonce),
					},
					body: SPEECH,
					...options,
				});
			},
			ok: (answer) => answer.json?.code === 0,
			effects: () => emu.tasks.length,
			rateLimited: null,
			error: { spec: { code: 1021, message: 'ERROR_PROCESS_FAILED' }, seen: (answer) => answer.json?.code === 1021 },
			stats: () => emu.stats(),
			close: () => emu.close(),
		};
	},
	'Tencent flash ASR': async () => {
		const emu = await startTencentFlashAsrEmulator({ ...TENCENT, transcripts, freezeClock: true });
		return {
			faults: emu.faults,
			action: 'flash',
			valid: async (options) =>
				await flashCall({
					url: emu.url,
					appId: TENCENT.appId,
					secretKey: TENCENT.secretKey,
					params: { secretid: TENCENT.secretId, timestamp: String(emu.nowSeconds()), engine_type: '16k_zh', voice_format: 'mp3' },
					body: SPEECH,
					...options,
				}),
			ok: (answer) => answer.json?.code === 0,
			effects: () => emu.recognitions.length,
			rateLimited: (answer) => answer.json?.code === 4006,
			error: { spec: { code: 5001 }, seen: (answer) => answer.json?.code === 5001 && answer.json.message.startsWith('因机器负载过高') },
			stats: () => emu.stats(),
			close: () => emu.close(),
		};
	},
};

let current: Subject | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
	await current?.close();
	current = undefined;
	await Promise.all(closers.splice(0).map((close) => close()));
});

/** Polls `condition` every 10 ms for up to `timeoutMs` (no timing assertion: it only waits). */
async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > until) throw new Error('condition not reached');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

describe.each(Object.keys(SUBJECTS))('%s', (name) => {
	const subject = async (): Promise<Subject> => {
		current = await SUBJECTS[name]();
		return current;
	};

	it('reset-before: the connection breaks and nothing is done; the next request works', async () => {
		const s = await subject();
		s.faults.add({ kind: 'reset-before', match: { action: s.action } });
		await expect(s.valid()).rejects.toThrow();
		expect(s.effects()).toBe(0);
		expect(s.ok(await s.valid())).toBe(true);
		expect(s.effects()).toBe(1);
		expect(s.stats().actions[s.action]).toMatchObject({ requests: 2, faults: 1 });
	});

	it('reset-after: the connection breaks after the side effect happened', async () => {
		const s = await subject();
		s.faults.add({ kind: 'reset-after', match: { action: s.action } });
		await expect(s.valid()).rejects.toThrow();
		expect(s.effects()).toBe(1);
		expect(s.ok(await s.valid())).toBe(true);
		expect(s.effects()).toBe(2);
	});

	it('hang: no answer until the client gives up, nothing done; the next request works', async () => {
		const s = await subject();
		s.faults.add({ kind: 'hang', match: { action: s.action } });
		await expect(s.valid({ headersTimeout: 300 })).rejects.toThrow(/timeout/i);
		expect(s.effects()).toBe(0);
		expect(s.ok(await s.valid())).toBe(true);
	});

	it('hang: the hung request ends when the emulator closes', async () => {
		const s = await subject();
		const fault = s.faults.add({ kind: 'hang' });
		const pending = s.valid().then(
			() => 'answered',
			() => 'broken',
		);
		await waitFor(() => fault.fired === 1);
		current = undefined;
		await s.close();
		expect(await pending).toBe('broken');
		expect(s.effects()).toBe(0);
	});

	it('slow: the answer comes delayMs later; a client that times out has still caused the side effect', async () => {
		const s = await subject();
		s.faults.add({ kind: 'slow', delayMs: 200, match: { action: s.action } });
		const started = performance.now();
		expect(s.ok(await s.valid())).toBe(true);
		expect(performance.now() - started).toBeGreaterThanOrEqual(195);
		s.faults.add({ kind: 'slow', delayMs: 60_000, match: { action: s.action } });
		await expect(s.valid({ headersTimeout: 300 })).rejects.toThrow(/timeout/i);
		await waitFor(() => s.effects() === 2);
	});

	it('http-status: a burst of 502 gateway pages, then the service answers', async () => {
		const s = await subject();
		s.faults.add({ kind: 'http-status', status: 502, count: 2, match: { action: s.action } });
		for (let i = 0; i < 2; i++) {
			const answer = await s.valid();
			expect(answer.status).toBe(502);
			expect(answer.headers['content-type']).toBe('text/html');
			expect(answer.text).toContain('<h1>502 Bad Gateway</h1>');
		}
		expect(s.effects()).toBe(0);
		expect(s.ok(await s.valid())).toBe(true);
	});

	it('http-status: a burst of HTTP 429, then the service answers', async () => {
		const s = await subject();
		s.faults.add({ kind: 'http-status', status: 429, count: 3 });
		const statuses = [];
		for (let i = 0; i < 3; i++) statuses.push((await s.valid()).status);
		expect(statuses).toEqual([429, 429, 429]);
		expect(s.effects()).toBe(0);
		expect(s.ok(await s.valid())).toBe(true);
		expect(s.stats().faults).toBe(3);
	});

	it("rate-limit: a burst of the vendor's own rate-limit answers (where the vendor has one)", async () => {
		const s = await subject();
		if (!s.rateLimited) {
			expect(() => s.faults.add({ kind: 'rate-limit' })).toThrow(/cannot inject 'rate-limit'/);
			return;
		}
		s.faults.add({ kind: 'rate-limit', count: 2, match: { action: s.action } });
		expect(s.rateLimited(await s.valid())).toBe(true);
		expect(s.rateLimited(await s.valid())).toBe(true);
		expect(s.effects()).toBe(0);
		expect(s.ok(await s.valid())).toBe(true);
	});

	it("error: the vendor's error answer, then the service answers", async () => {
		const s = await subject();
		s.faults.add({ kind: 'error', match: { action: s.action }, ...s.error.spec });
		expect(s.error.seen(await s.valid())).toBe(true);
		expect(s.effects()).toBe(0);
		expect(s.ok(await s.valid())).toBe(true);
	});

	it('after: lets matching requests through first ("in the middle of a batch")', async () => {
		const s = await subject();
		const fault = s.faults.add({ kind: 'reset-before', match: { action: s.action }, after: 2 });
		expect(s.ok(await s.valid())).toBe(true);
		expect(s.ok(await s.valid())).toBe(true);
		await expect(s.valid()).rejects.toThrow();
		expect(s.ok(await s.valid())).toBe(true);
		expect([fault.fired, fault.remaining, s.effects()]).toEqual([1, 0, 3]);
		expect(s.faults.fired.map((firing) => [firing.kind, firing.action])).toEqual([['reset-before', s.action]]);
	});

	it('refuses faults the vendor cannot produce and invalid fault specs', async () => {
		const s = await subject();
		const foreign: FaultKind = name === 'WeChat' ? 'clock-skew' : 'token-revoked';
		expect(() => s.faults.add({ kind: foreign, seconds: 1 })).toThrow(/cannot inject/);
		expect(() => s.faults.add({ kind: 'slow' })).toThrow(/delayMs/);
		expect(() => s.faults.add({ kind: 'reset-before', count: 0 })).toThrow(/count/);
		expect(() => s.faults.add({ kind: 'error' })).toThrow(/code/);
	});
});

describe('WeChat: an access token revoked in the middle of a batch', () => {
	it.each([
		['invalid', 40001],
		['expired', 42001],
	] as const)('mode %s: the call that hits it and the later ones answer %i until a new token is fetched', async (mode, errcode) => {
		const emu = await startWeChatEmulator({ ...WECHAT, transcripts });
		closers.push(() => emu.close());
		const token = await wechatToken(emu.url, WECHAT.appId, WECHAT.appSecret);
		emu.faults.add({ kind: 'token-revoked', mode, match: { action: 'upload' }, after: 2 });
		const errcodes = [];
		for (let i = 0; i < 4; i++) errcodes.push(Number((await wechatUpload(emu.url, token, `batch-${i}`, SPEECH)).json.errcode));
		expect(errcodes).toEqual([0, 0, errcode, errcode]);
		expect(emu.uploads).toEqual(['batch-0', 'batch-1']);
		const fresh = await wechatToken(emu.url, WECHAT.appId, WECHAT.appSecret);
		expect(Number((await wechatUpload(emu.url, fresh, 'batch-2', SPEECH)).json.errcode)).toBe(0);
		expect(emu.requests.filter((r) => r.fault === 'token-revoked')).toHaveLength(1);
	});
});

describe('Tencent API 3.0: a server clock more than 5 minutes off', () => {
	it('answers AuthFailure.SignatureExpire with the Date of its clock, so the client can correct its timestamp', async () => {
		const emu = await startTencentCloudEmulator({ ...TENCENT, sdkAppIds: [], transcripts, freezeClock: true });
		closers.push(() => emu.close());
		const fault = emu.faults.add({ kind: 'clock-skew', seconds: 600, count: Infinity });
		const clientClock = emu.nowSeconds();
		const stale = await tc3Call({ url: emu.url, ...TENCENT, action: 'GetUserAppId', timestamp: clientClock });
		expect(stale.json.Response.Error).toEqual({ Code: 'AuthFailure.SignatureExpire', Message: expect.stringMatching(/five minutes/) });
		expect(stale.json.Response.Error.Message).not.toContain(String(clientClock + 600));
		const offset = Date.parse(String(stale.headers.date)) / 1000 - clientClock;
		expect(offset).toBe(600);
		const corrected = await tc3Call({ url: emu.url, ...TENCENT, action: 'GetUserAppId', timestamp: clientClock + offset });
		expect(corrected.json.Response.AppId).toBe(TENCENT.appId);
		expect(emu.requests.map((r) => [r.timestampSkewSeconds, r.fault])).toEqual([
			[-600, 'clock-skew'],
			[0, 'clock-skew'],
		]);
		fault.cancel();
		expect((await tc3Call({ url: emu.url, ...TENCENT, action: 'GetUserAppId', timestamp: clientClock })).json.Response.AppId).toBe(TENCENT.appId);
	});
});

describe('ASR callbacks cut off mid-body', () => {
	interface Seen {
		complete: boolean;
		bytes: number;
		declared: number;
	}
	async function receiver(): Promise<{ server: RunningServer; seen: Seen[] }> {
		const seen: Seen[] = [];
		const server = await startServer(async (req, res) => {
			const declared = Number(req.headers['content-length']);
			let body: Buffer;
			try {
				body = await readBody(req);
			} catch {
				seen.push({ complete: false, bytes: -1, declared });
				return;
			}
			seen.push({ complete: body.length === declared, bytes: body.length, declared });
			if (body.length !== declared) return;
			res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0,"message":"success"}');
		});
		closers.push(() => server.close());
		return { server, seen };
	}

	it('sendAsrCallback: the truncated attempt fails, the retry delivers the whole body', async () => {
		const { server, seen } = await receiver();
		const faults = new FaultInjector('callback sender', ['truncated-body']);
		faults.add({ kind: 'truncated-body', match: { action: 'callback', path: '/hook' } });
		const delivery = await sendAsrCallback(`${server.url}/hook?token=x`, { code: '0', requestId: '1', text: '你好' }, { faults, retryIntervalMs: 0 });
		expect(delivery.accepted).toBe(true);
		expect(delivery.attempts.map((attempt) => [attempt.status, attempt.truncated ?? false])).toEqual([
			[0, true],
			[200, false],
		]);
		expect(delivery.attempts[0].error).toMatch(/sent \d+ of \d+ bytes/);
		await waitFor(() => seen.length === 2);
		expect(seen[0].complete).toBe(false);
		expect(seen[1]).toEqual({ complete: true, bytes: Buffer.byteLength(delivery.body), declared: Buffer.byteLength(delivery.body) });
	});

	it('the API 3.0 emulator cuts a CreateRecTask callback off and retries once', async () => {
		const { server, seen } = await receiver();
		const emu = await startTencentCloudEmulator({ ...TENCENT, sdkAppIds: [], transcripts, freezeClock: true, callbackRetryIntervalMs: 0 });
		closers.push(() => emu.close());
		emu.faults.add({ kind: 'truncated-body', match: { action: 'callback' } });
		const created = await tc3Call({
			url: emu.url,
			...TENCENT,
			action: 'CreateRecTask',
			timestamp: emu.nowSeconds(),
			body: {
				EngineModelType: '16k_zh',
				ChannelNum: 1,
				ResTextFormat: 0,
				SourceType: 1,
				Data: SPEECH.toString('base64'),
				DataLen: SPEECH.length,
				CallbackUrl: `${server.url}/asr`,
			},
		});
		const taskId = /"TaskId":(\d+)/.exec(created.text)![1];
		const delivery = (await emu.completeTask(taskId))!;
		expect(delivery.attempts.map((attempt) => attempt.truncated ?? false)).toEqual([true, false]);
		expect(delivery.accepted).toBe(true);
		await waitFor(() => seen.length === 2);
		expect(seen.map((s) => s.complete)).toEqual([false, true]);
		expect(emu.stats().faults).toBe(0);
		expect(emu.faults.fired.map((firing) => [firing.kind, firing.action, firing.path])).toEqual([['truncated-body', 'callback', '/asr']]);
	});

	it('the legacy emulator cuts a callback off and retries once', async () => {
		const { server, seen } = await receiver();
		const emu = await startTencentLegacyAsrEmulator({ ...TENCENT, transcripts, freezeClock: true, callbackRetryIntervalMs: 0 });
		closers.push(() => emu.close());
		emu.faults.add({ kind: 'truncated-body' });
		const now = emu.nowSeconds();
		const accepted = await legacyCall({
			url: emu.url,
			appId: TENCENT.appId,
			secretKey: TENCENT.secretKey,
			params: {
				projectid: '0',
				secretid: TENCENT.secretId,
				sub_service_type: '0',
				engine_model_type: '16k_0',
				res_text_format: '0',
				res_type: '1',
				callback_url: `${server.url}/legacy`,
				source_type: '1',
				timestamp: String(now),
				expired: String(now + 600),
				nonce: '77',
			},
			body: SPEECH,
		});
		const delivery = await emu.completeTask(accepted.json.requestId);
		expect(delivery.attempts.map((attempt) => attempt.truncated ?? false)).toEqual([true, false]);
		expect(delivery.accepted).toBe(true);
		await waitFor(() => seen.length === 2);
		expect(seen.map((s) => s.complete)).toEqual([false, true]);
	});
});
