/**
 * Tests of the Tencent ASR callback sender (docs/tencent-asr-callbacks.md): the exact form encoding
 * of the vendor's examples, the acceptance rule, and the single retry, against local receivers.
 */
import { readBody, startServer, type RunningServer } from './common';
import {
	buildLegacyCallback,
	buildRecTaskCallback,
	encodeCallbackForm,
	formatAudioTime,
	isAcceptedAnswer,
	sendAsrCallback,
} from './callbackSender';

interface Received {
	method: string;
	url: string;
	contentType: string;
	body: string;
}

async function receiver(answers: Array<[number, string]>): Promise<{ server: RunningServer; received: Received[] }> {
	const received: Received[] = [];
	const server = await startServer(async (req, res) => {
		const body = (await readBody(req)).toString('utf8');
		received.push({ method: req.method ?? '', url: req.url ?? '', contentType: String(req.headers['content-type']), body });
		const [status, text] = answers[Math.min(received.length - 1, answers.length - 1)];
		res.writeHead(status, { 'content-type': 'application/json' }).end(text);
	});
	return { server, received };
}

const servers: RunningServer[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((server) => server.close()));
});
async function track(answers: Array<[number, string]>) {
	const result = await receiver(answers);
	servers.push(result.server);
	return result;
}

describe('encodeCallbackForm', () => {
	it('reproduces the vendor’s CreateRecTask example byte for byte', () => {
		const fields = buildRecTaskCallback({
			taskId: '4000048858',
			appId: 12516,
			code: 0,
			message: '',
			text: '[0:1.640,0:4.600]  我在马上上夜班。\n',
			audioDurationSeconds: 8.42,
			resultDetail: null,
		});
		expect(encodeCallbackForm(fields, 'upper')).toBe(
			'code=0&requestId=4000048858&appid=12516&projectid=0&text=%5B0%3A1.640%2C0%3A4.600%5D++%E6%88%91%E5%9C%A8%E9%A9%AC%E4%B8%8A%E4%B8%8A%E5%A4%9C%E7%8F%AD%E3%80%82%0A&audioTime=8.420000&message=&resultDetail=',
		);
	});

	it('reproduces the vendor’s legacy example with lower-case hex (audioTime with six decimals)', () => {
		const fields = buildLegacyCallback({
			code: 0,
			message: 'success',
			requestId: 500,
			appId: 12000001,
			projectId: 0,
			text: '您好',
			audioUrl: 'http://test.qq.com/voice_url',
			audioTimeSeconds: 2.5,
		});
		expect(encodeCallbackForm(fields, 'lower')).toBe(
			'code=0&requestId=500&appid=12000001&projectid=0&text=%e6%82%a8%e5%a5%bd&audioUrl=http%3a%2f%2ftest.qq.com%2fvoice_url&audioTime=2.500000&message=success',
		);
	});

	it('keeps only A-Z a-z 0-9 - _ . and alternates hex case in mixed mode', () => {
		expect(encodeCallbackForm({ v: 'a-b_c.d~e*f g+h/é' })).toBe('v=a-b_c.d%7Ee%2Af+g%2Bh%2F%C3%A9');
		expect(encodeCallbackForm({ a: 'é', b: 'é' }, 'mixed')).toBe('a=%C3%a9&b=%C3%a9');
		const tricky = { text: 'a&b=c 100% [0:1.0]\n"quoted"', resultDetail: '[{"FinalSentence":"x y"}]', empty: '' };
		expect(Object.fromEntries(new URLSearchParams(encodeCallbackForm(tricky, 'mixed')))).toEqual(tricky);
	});

	it('builds resultDetail as a JSON string, or empty when there is none', () => {
		const detail = [{ FinalSentence: '你好', StartMs: 0, Words: [{ Word: '你', OffsetStartMs: 0 }] }];
		const base = { taskId: 9007199254740993n, appId: 1, code: 0, message: '', text: 't', audioDurationSeconds: 1 };
		expect(buildRecTaskCallback({ ...base, resultDetail: detail }).resultDetail).toBe(JSON.stringify(detail));
		expect(buildRecTaskCallback({ ...base, resultDetail: detail, detailCase: 'camel' }).resultDetail).toBe(
			'[{"finalSentence":"你好","startMs":0,"words":[{"word":"你","offsetStartMs":0}]}]',
		);
		expect(buildRecTaskCallback({ ...base, resultDetail: [] }).resultDetail).toBe('[]');
		expect(buildRecTaskCallback({ ...base, resultDetail: null }).requestId).toBe('9007199254740993');
		expect(formatAudioTime(0)).toBe('0.000000');
		expect(formatAudioTime(Number.NaN)).toBe('0.000000');
		expect(formatAudioTime(3.996)).toBe('3.996000');
	});
});

describe('isAcceptedAnswer', () => {
	it.each([
		[200, '{"code":0,"message":"success"}', true],
		[200, '{"code":"0","message":"成功"}', true],
		[204, '{"code":0}', true],
		[200, '{"code":1,"message":"busy"}', false],
		[200, '{"code":"00"}', false],
		[200, '{"code":false}', false],
		[200, '{"message":"ok"}', false],
		[200, '[{"code":0}]', false],
		[200, 'ok', false],
		[200, '', false],
		[500, '{"code":0}', false],
		[302, '{"code":0}', false],
	])('status %i body %s → %s', (status, body, accepted) => {
		expect(isAcceptedAnswer(status, body)).toBe(accepted);
	});
});

describe('sendAsrCallback', () => {
	const fields = { code: '0', requestId: '42', text: 'hello world', message: '' };

	it('posts application/x-www-form-urlencoded once when the receiver answers code 0', async () => {
		const { server, received } = await track([[200, '{"code":0,"message":"success"}']]);
		const delivery = await sendAsrCallback(`${server.url}/hook?token=abc`, fields);
		expect(received).toEqual([
			{
				method: 'POST',
				url: '/hook?token=abc',
				contentType: 'application/x-www-form-urlencoded',
				body: 'code=0&requestId=42&text=hello+world&message=',
			},
		]);
		expect(delivery).toMatchObject({
			url: `${server.url}/hook?token=abc`,
			fields,
			body: 'code=0&requestId=42&text=hello+world&message=',
			accepted: true,
		});
		expect(delivery.attempts).toEqual([
			{ status: 200, body: '{"code":0,"message":"success"}', accepted: true, at: expect.any(Number) },
		]);
	});

	it('retries exactly once after a non-zero code and stops when accepted', async () => {
		const { server, received } = await track([
			[200, '{"code":1,"message":"not yet"}'],
			[200, '{"code":"0","message":"成功"}'],
		]);
		const delivery = await sendAsrCallback(server.url, fields, { retryIntervalMs: 0 });
		expect(received).toHaveLength(2);
		expect(received[1].body).toBe(received[0].body);
		expect(delivery.attempts.map((attempt) => [attempt.status, attempt.accepted])).toEqual([
			[200, false],
			[200, true],
		]);
		expect(delivery.accepted).toBe(true);
	});

	it('awaits beforeRetry with the refused first attempt before retrying, and never calls it when the first is accepted', async () => {
		const { server, received } = await track([
			[500, '{"code":5000,"message":"not stored"}'],
			[200, '{"code":0,"message":"success"}'],
		]);
		const seen: Array<{ status: number; requestsSoFar: number }> = [];
		const delivery = await sendAsrCallback(server.url, fields, {
			retryIntervalMs: 0,
			beforeRetry: async (first) => {
				await new Promise((resolve) => setTimeout(resolve, 30));
				seen.push({ status: first.status, requestsSoFar: received.length });
			},
		});
		expect(seen).toEqual([{ status: 500, requestsSoFar: 1 }]);
		expect(delivery.attempts.map((attempt) => attempt.accepted)).toEqual([false, true]);
		const calls: number[] = [];
		const accepted = await track([[200, '{"code":0,"message":"success"}']]);
		await sendAsrCallback(accepted.server.url, fields, { beforeRetry: () => void calls.push(1) });
		expect(calls).toEqual([]);
	});

	it('gives up after two refused attempts (HTTP errors, non-JSON), waiting the retry interval', async () => {
		const { server, received } = await track([
			[503, 'unavailable'],
			[200, 'OK'],
			[200, '{"code":0}'],
		]);
		const started = Date.now();
		const delivery = await sendAsrCallback(server.url, fields, { retryIntervalMs: 80 });
		expect(received).toHaveLength(2);
		expect(delivery.accepted).toBe(false);
		expect(delivery.attempts.map((attempt) => [attempt.status, attempt.body])).toEqual([
			[503, 'unavailable'],
			[200, 'OK'],
		]);
		expect(delivery.attempts[1].at - delivery.attempts[0].at).toBeGreaterThanOrEqual(75);
		expect(Date.now() - started).toBeGreaterThanOrEqual(75);
	});

	it('records transport failures as status 0 attempts and honours maxAttempts', async () => {
		const closed = await startServer(() => undefined);
		const url = closed.url;
		await closed.close();
		const delivery = await sendAsrCallback(url, fields, { retryIntervalMs: 0 });
		expect(delivery.accepted).toBe(false);
		expect(delivery.attempts).toHaveLength(2);
		expect(delivery.attempts[0]).toMatchObject({ status: 0, body: '', accepted: false, error: expect.any(String) });
		const { server, received } = await track([[200, '{"code":9}']]);
		const once = await sendAsrCallback(server.url, fields, { maxAttempts: 1 });
		expect(once.attempts).toHaveLength(1);
		expect(received).toHaveLength(1);
	});

	it('times out a receiver that never answers', async () => {
		const hanging = await startServer(() => undefined);
		servers.push(hanging);
		const delivery = await sendAsrCallback(hanging.url, fields, { timeoutMs: 150, retryIntervalMs: 0 });
		expect(delivery.attempts.map((attempt) => attempt.status)).toEqual([0, 0]);
		expect(delivery.accepted).toBe(false);
	});
});
