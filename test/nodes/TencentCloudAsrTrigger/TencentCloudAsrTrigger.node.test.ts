/**
 * Tencent Cloud ASR Trigger: every rejection path, both callback formats normalised exactly (the
 * documented example bodies byte for byte), failed recognitions passed or dropped, resultDetail
 * parsed and kept raw, webhook lifecycle; the reply contract: an accepted callback is answered
 * only through n8n's own answer (after n8n stored the execution, or after the run with "When the
 * Workflow Has Finished"), exactly `{"code":0,"message":"success"}` on success and never code 0
 * otherwise; and an integration test in which the emulators' callback sender posts real
 * form-encoded callbacks to an HTTP server that runs the trigger's webhook() and answers as n8n.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IDataObject, INodeExecutionData, IWebhookResponseData } from 'n8n-workflow';

import {
	TencentCloudAsrTrigger,
	CALLBACK_ACCEPTED_BODY,
	N8N_FAILURE_CODES,
	answerForN8nReply,
	tokensMatch,
} from '../../../nodes/TencentCloudAsrTrigger/TencentCloudAsrTrigger.node';
import { normalizeCallback, parseCallbackForm } from '../../../nodes/TencentCloudAsrTrigger/callback';
import { TencentCloudAsr } from '../../../nodes/TencentCloudAsr/TencentCloudAsr.node';
import { TencentCloudApi } from '../../../credentials/TencentCloudApi.credentials';
import { answerAsN8n, createWebhookContext, responseOptionsOf, type N8nOutcome } from '../../helpers/webhookContext';
import { createExecuteContext } from '../../helpers/n8nContext';
import { readBody, startFileServer, startServer, TranscriptRegistry, type RunningServer } from '../../emulators/common';
import { encodeCallbackForm, sendAsrCallback } from '../../emulators/callbackSender';
import { encodeTestWav } from '../../emulators/audio';
import { startTencentCloudEmulator } from '../../emulators/tencentCloud';
import { startTencentLegacyAsrEmulator } from '../../emulators/tencentLegacyAsr';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const trigger = new TencentCloudAsrTrigger();

/** The documented example bodies (docs/tencent-asr-callbacks.md#callback-request), byte for byte. */
const REC_TASK_BODY =
	'code=0&requestId=4000048858&appid=12516&projectid=0&text=%5B0%3A1.640%2C0%3A4.600%5D++%E6%88%91%E5%9C%A8%E9%A9%AC%E4%B8%8A%E4%B8%8A%E5%A4%9C%E7%8F%AD%E3%80%82%0A&audioTime=8.420000&message=&resultDetail=';
const LEGACY_BODY =
	'code=0&requestId=500&appid=12000001&projectid=0&text=%e6%82%a8%e5%a5%bd&audioUrl=http%3a%2f%2ftest.qq.com%2fvoice_url&audioTime=2.5&message=success';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

/**
 * Runs webhook() on one request, then lets the simulated n8n answer (answerAsN8n) with `outcome`
 * (default: stored, or succeeded for "When the Workflow Has Finished"). `answeredBeforeN8n` tells
 * whether the trigger itself had answered when webhook() returned.
 */
async function post(
	body: string | Buffer,
	init: {
		parameters?: IDataObject;
		headers?: Record<string, string>;
		query?: IDataObject;
		withoutRawBody?: boolean;
		outcome?: N8nOutcome;
	} = {},
) {
	const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
	const test = createWebhookContext({
		node: trigger,
		// these tests check every field; Simplify has its own tests (simplify.test.ts)
		parameters: { simplify: false, ...init.parameters },
		headers: init.headers ?? FORM,
		query: init.query,
		rawBody: init.withoutRawBody ? undefined : raw,
		bodyData: init.withoutRawBody ? (Object.fromEntries(new URLSearchParams(raw.toString('utf8'))) as IDataObject) : undefined,
	});
	const result = await trigger.webhook.call(test.ctx);
	const answeredBeforeN8n = test.response.ended;
	const responseOptions = responseOptionsOf(trigger, init.parameters);
	const outcome = init.outcome ?? (responseOptions.responseMode === 'lastNode' ? 'succeeded' : 'stored');
	answerAsN8n(test.ctx.getResponseObject(), result, { ...responseOptions, outcome });
	return { result, response: test.response, logs: test.logs, answeredBeforeN8n };
}

const WHEN_FINISHED = { reply: 'whenFinished' };

/** An accepted callback: nothing was answered before n8n answered, and n8n's answer became the exact acknowledgement. */
function expectAcceptedThroughN8n(outcome: Awaited<ReturnType<typeof post>>) {
	expect(outcome.answeredBeforeN8n).toBe(false);
	expect(outcome.result.noWebhookResponse).toBeUndefined();
	expect(outcome.result.webhookResponse).toEqual({ code: 0, message: 'success' });
	expect(outcome.response.statusCode).toBe(200);
	expect(outcome.response.headers['content-type']).toBe('application/json; charset=utf-8');
	expect(outcome.response.body).toBe(CALLBACK_ACCEPTED_BODY);
}

/** A callback whose execution n8n did not store or did not run to success: non-zero code, 5xx, never code 0. */
function expectNotAcknowledged(outcome: Awaited<ReturnType<typeof post>>, code: number) {
	expect(outcome.answeredBeforeN8n).toBe(false);
	expect(outcome.response.statusCode).toBeGreaterThanOrEqual(500);
	expect(outcome.response.headers['content-type']).toBe('application/json; charset=utf-8');
	const answer = JSON.parse(outcome.response.body) as { code: number; message: string };
	expect(answer.code).toBe(code);
	expect(answer.code).not.toBe(0);
	expect(answer.message).toMatch(/Tencent should send/);
	return answer;
}

function expectRefused(
	outcome: { result: IWebhookResponseData; response: { statusCode?: number; body: string; headers: Record<string, string> } },
	status: number,
	code: number,
) {
	expect(outcome.result.workflowData).toBeUndefined();
	expect(outcome.result.noWebhookResponse).toBe(true);
	expect(outcome.response.statusCode).toBe(status);
	expect(outcome.response.headers['content-type']).toMatch(/^application\/json/);
	const answer = JSON.parse(outcome.response.body) as { code: number; message: string };
	expect(answer.code).toBe(code);
	expect(answer.code).not.toBe(0);
	expect(answer.message.length).toBeGreaterThan(5);
	return answer;
}

function onlyItem(result: IWebhookResponseData): IDataObject {
	expect(result.workflowData).toHaveLength(1);
	expect(result.workflowData?.[0]).toHaveLength(1);
	return (result.workflowData as INodeExecutionData[][])[0][0].json;
}

describe('node description', () => {
	it('is a webhook trigger with a lifecycle, not an AI tool', () => {
		const description = trigger.description;
		expect(description.name).toBe('tencentCloudAsrTrigger');
		expect(description.displayName).toBe('Tencent Cloud ASR Trigger');
		expect(description.inputs).toEqual([]);
		expect(description.usableAsTool).toBeUndefined();
		expect(description.webhooks).toEqual([expect.objectContaining({ name: 'default', httpMethod: 'POST', path: '={{$parameter["path"]}}' })]);
		const path = description.properties.find((property) => property.name === 'path');
		expect(path?.default).toBe('tencent-asr-callback');
	});

	it('Reply to Tencent: When Received (default) makes n8n answer once stored, When the Workflow Has Finished after the run, with no data', () => {
		const reply = trigger.description.properties.find((property) => property.name === 'reply');
		expect(reply).toMatchObject({ displayName: 'Reply to Tencent', type: 'options', default: 'whenReceived' });
		expect(reply?.options?.map((option) => (option as { name: string }).name)).toEqual(['When Received', 'When the Workflow Has Finished']);
		expect(responseOptionsOf(trigger)).toEqual({ responseMode: 'onReceived', responseData: '' });
		expect(responseOptionsOf(trigger, { reply: 'whenReceived' })).toEqual({ responseMode: 'onReceived', responseData: '' });
		expect(responseOptionsOf(trigger, WHEN_FINISHED)).toEqual({ responseMode: 'lastNode', responseData: 'noData' });
		// a node saved before the parameter existed
		expect(responseOptionsOf(trigger, { reply: undefined })).toEqual({ responseMode: 'onReceived', responseData: '' });
	});

	it('records the production URL in static data: create, checkExists, delete', async () => {
		const test = createWebhookContext({ node: trigger, webhookUrl: 'https://n8n.example.com/webhook/abc/tencent-asr-callback' });
		const methods = trigger.webhookMethods.default;
		expect(await methods.checkExists.call(test.hookCtx)).toBe(false);
		expect(await methods.create.call(test.hookCtx)).toBe(true);
		expect(test.staticData.webhookUrl).toBe('https://n8n.example.com/webhook/abc/tencent-asr-callback');
		expect(await methods.checkExists.call(test.hookCtx)).toBe(true);
		expect(await methods.delete.call(test.hookCtx)).toBe(true);
		expect(await methods.checkExists.call(test.hookCtx)).toBe(false);
	});
});

describe('accepted callbacks', () => {
	it('normalises the CreateRecTask example body exactly and answers {"code":0,"message":"success"}', async () => {
		const outcome = await post(REC_TASK_BODY);
		const { result, response } = outcome;
		expect(response.statusCode).toBe(200);
		expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
		expect(response.body).toBe('{"code":0,"message":"success"}');
		expect(CALLBACK_ACCEPTED_BODY).toBe('{"code":0,"message":"success"}');
		expectAcceptedThroughN8n(outcome);
		expect(onlyItem(result)).toEqual({
			taskId: '4000048858',
			code: 0,
			message: '',
			text: '[0:1.640,0:4.600]  我在马上上夜班。\n',
			audioTime: 8.42,
			audioUrl: null,
			appId: '12516',
			projectId: 0,
			resultDetail: null,
			resultDetailRaw: '',
			format: 'recTask',
			raw: {
				code: '0',
				requestId: '4000048858',
				appid: '12516',
				projectid: '0',
				text: '[0:1.640,0:4.600]  我在马上上夜班。\n',
				audioTime: '8.420000',
				message: '',
				resultDetail: '',
			},
			rawBody: REC_TASK_BODY,
		});
	});

	it('normalises the legacy example body exactly (lower-case hex escapes)', async () => {
		const { result, response } = await post(LEGACY_BODY);
		expect(response.body).toBe(CALLBACK_ACCEPTED_BODY);
		expect(onlyItem(result)).toEqual({
			taskId: '500',
			code: 0,
			message: 'success',
			text: '您好',
			audioTime: 2.5,
			audioUrl: 'http://test.qq.com/voice_url',
			appId: '12000001',
			projectId: 0,
			resultDetail: null,
			resultDetailRaw: null,
			format: 'legacy',
			raw: {
				code: '0',
				requestId: '500',
				appid: '12000001',
				projectid: '0',
				text: '您好',
				audioUrl: 'http://test.qq.com/voice_url',
				audioTime: '2.5',
				message: 'success',
			},
			rawBody: LEGACY_BODY,
		});
	});

	it('auto reads short GBK texts that happen to be valid UTF-8 as GBK (喂 is not "ι", 谢谢 is not "лл")', async () => {
		for (const [escaped, text] of [
			['%CE%B9', '喂'],
			['%D0%BB%D0%BB', '谢谢'],
			['%E4%BD%A0%E5%A5%BD', '你好'],
		]) {
			const body = `code=0&requestId=503&appid=1&projectid=0&text=${escaped}&audioTime=1.0&message=success`;
			expect(onlyItem((await post(body)).result)).toMatchObject({ text });
		}
	});

	it('reads CreateRecTask callbacks as UTF-8 whatever Text Encoding says (the option is for legacy callbacks)', async () => {
		for (const textEncoding of ['gb18030', 'big5', 'utf-8', 'auto']) {
			const { result, response } = await post(REC_TASK_BODY, { parameters: { options: { textEncoding } } });
			expect(response.body).toBe(CALLBACK_ACCEPTED_BODY);
			expect(onlyItem(result).text).toBe('[0:1.640,0:4.600]  我在马上上夜班。\n');
		}
	});

	it('decodes legacy GBK / GB2312 text automatically and BIG5 when chosen (res_text_format 1–3)', async () => {
		// 您好 in GBK is C4 FA BA C3; in BIG5 it is B1 7A A6 6E
		const gbk = 'code=0&requestId=501&appid=12000001&projectid=0&text=%C4%FA%BA%C3&audioTime=1.0&message=success';
		const auto = await post(gbk);
		expect(auto.response.body).toBe(CALLBACK_ACCEPTED_BODY);
		expect(onlyItem(auto.result)).toMatchObject({ taskId: '501', text: '您好', rawBody: gbk });
		const gb18030 = await post(gbk, { parameters: { options: { textEncoding: 'gb18030' } } });
		expect(onlyItem(gb18030.result)).toMatchObject({ text: '您好' });
		const big5Body = 'code=0&requestId=502&appid=12000001&projectid=0&text=%B1z%A6n&audioTime=1.0&message=success';
		const big5 = await post(big5Body, { parameters: { options: { textEncoding: 'big5' } } });
		expect(onlyItem(big5.result)).toMatchObject({ taskId: '502', text: '您好' });
		// UTF-8 only: GBK bytes are refused (Tencent retries), never turned into replacement characters
		const strict = expectRefused(await post(gbk, { parameters: { options: { textEncoding: 'utf-8' } } }), 400, 4000);
		expect(strict.message).toMatch(/does not decode to UTF-8 text/);
	});

	it('keeps a uint64 task id beyond 2^53 exactly, as a string', async () => {
		const { result } = await post('code=0&requestId=18446744073709551615&appid=1&projectid=0&text=&audioTime=1.000000&message=&resultDetail=');
		expect(onlyItem(result).taskId).toBe('18446744073709551615');
	});

	it('parses resultDetail JSON (either key casing) and keeps the raw string', async () => {
		const detail = [{ FinalSentence: '你好。', StartMs: 20, EndMs: 900, Words: [{ Word: '你好', OffsetStartMs: 0, OffsetEndMs: 600 }] }];
		const raw = JSON.stringify(detail);
		const body = encodeCallbackForm({ code: '0', requestId: '77', appid: '1', projectid: '0', text: 'x y', audioTime: '0.92', message: '', resultDetail: raw }, 'mixed');
		const { result } = await post(body);
		const json = onlyItem(result);
		expect(json.resultDetail).toEqual(detail);
		expect(json.resultDetailRaw).toBe(raw);
		expect(json.text).toBe('x y');
		const camel = JSON.stringify([{ finalSentence: 'a', startMs: 1 }]);
		const second = await post(`code=0&requestId=78&resultDetail=${encodeURIComponent(camel)}`);
		expect(onlyItem(second.result).resultDetail).toEqual([{ finalSentence: 'a', startMs: 1 }]);
	});

	it('keeps a resultDetail that is not JSON raw, with resultDetail null', async () => {
		const { result } = await post('code=0&requestId=79&resultDetail=%5Bnot+json');
		const json = onlyItem(result);
		expect(json.resultDetail).toBeNull();
		expect(json.resultDetailRaw).toBe('[not json');
	});

	it('passes a failed recognition through by default', async () => {
		const { result, response } = await post('code=10007&requestId=501&appid=1&projectid=0&text=&audioTime=0.000000&message=%E8%AF%AD%E9%9F%B3%E4%B8%8B%E8%BD%BD%E5%A4%B1%E8%B4%A5');
		expect(response.body).toBe(CALLBACK_ACCEPTED_BODY);
		const json = onlyItem(result);
		expect(json.code).toBe(10007);
		expect(json.message).toBe('语音下载失败');
		expect(json.audioTime).toBe(0);
	});

	it('drops a failed recognition when Include Failed Recognitions is off, still answering success', async () => {
		const { result, response, logs } = await post('code=10001&requestId=502&message=failed', {
			parameters: { options: { includeFailed: false } },
		});
		expect(response.statusCode).toBe(200);
		expect(response.body).toBe(CALLBACK_ACCEPTED_BODY);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(logs.join('\n')).toContain('502');
		const success = await post('code=0&requestId=503&text=ok', { parameters: { options: { includeFailed: false } } });
		expect(onlyItem(success.result).text).toBe('ok');
	});

	it('accepts a matching token and a content type with a charset', async () => {
		const { result, response } = await post(LEGACY_BODY, {
			parameters: { options: { callbackToken: 's3cret-token' } },
			query: { token: 's3cret-token' },
			headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
		});
		expect(response.body).toBe(CALLBACK_ACCEPTED_BODY);
		expect(onlyItem(result).taskId).toBe('500');
	});

	it("falls back to n8n's parsed body when the raw bytes are not available", async () => {
		const { result } = await post(LEGACY_BODY, { withoutRawBody: true });
		expect(onlyItem(result).text).toBe('您好');
	});
});

describe('reply contract: code 0 only for what n8n stored (When Received) or ran to success (When the Workflow Has Finished)', () => {
	it('When Received: the trigger answers nothing itself; n8n answers after storing the execution', async () => {
		for (const body of [REC_TASK_BODY, LEGACY_BODY, 'code=10007&requestId=9&message=x']) {
			expectAcceptedThroughN8n(await post(body));
		}
	});

	it('When Received: n8n could not store the execution (its HTTP 500 says code 0) → HTTP 500 and code 5000, never code 0', async () => {
		for (const body of [REC_TASK_BODY, LEGACY_BODY]) {
			const outcome = await post(body, { outcome: 'notStored' });
			const answer = expectNotAcknowledged(outcome, N8N_FAILURE_CODES.notStored);
			expect(outcome.response.statusCode).toBe(500);
			expect(answer.message).toContain('There was a problem executing the workflow');
			// the workflow data was handed to n8n: it is n8n that failed to store it
			expect(outcome.result.workflowData).toHaveLength(1);
			expect(outcome.logs.join('\n')).toMatch(/answered task \d+ with an error/);
		}
	});

	it('When the Workflow Has Finished: code 0 only after a successful run', async () => {
		const outcome = await post(REC_TASK_BODY, { parameters: WHEN_FINISHED, outcome: 'succeeded' });
		expectAcceptedThroughN8n(outcome);
		expect(onlyItem(outcome.result).taskId).toBe('4000048858');
	});

	it.each([
		['failed', 'Error in workflow'],
		['lost', 'Error in workflow'],
		['failedBeforeStart', 'Workflow executed successfully but no data was returned'],
		['notStored', 'There was a problem executing the workflow'],
	] as Array<[N8nOutcome, string]>)(
		'When the Workflow Has Finished: a run that ends %s gets HTTP 500 and code 5001 (n8n said "%s")',
		async (outcome, n8nMessage) => {
			const answer = expectNotAcknowledged(await post(LEGACY_BODY, { parameters: WHEN_FINISHED, outcome }), N8N_FAILURE_CODES.notFinished);
			expect(answer.message).toContain(n8nMessage);
		},
	);

	it('When the Workflow Has Finished: a dropped failed recognition (Include Failed Recognitions off) is still answered success at once', async () => {
		const { result, response, answeredBeforeN8n } = await post('code=10001&requestId=502&message=failed', {
			parameters: { ...WHEN_FINISHED, options: { includeFailed: false } },
		});
		expect(answeredBeforeN8n).toBe(true);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response.statusCode).toBe(200);
		expect(response.body).toBe(CALLBACK_ACCEPTED_BODY);
	});

	it('When the Workflow Has Finished: refusals are still answered by the trigger at once, starting nothing', async () => {
		expectRefused(await post(LEGACY_BODY, { parameters: { ...WHEN_FINISHED, options: { callbackToken: 's3cret-token' } } }), 403, 4003);
		expectRefused(await post(LEGACY_BODY, { parameters: WHEN_FINISHED, headers: { 'content-type': 'application/json' } }), 415, 4004);
		expectRefused(await post('code=0&text=x', { parameters: WHEN_FINISHED }), 400, 4001);
	});

	it('answerForN8nReply: every answer but n8n success is a non-zero code and a 5xx (or n8n\'s own error status)', () => {
		for (const mode of ['whenReceived', 'whenFinished'] as const) {
			const failure = mode === 'whenReceived' ? N8N_FAILURE_CODES.notStored : N8N_FAILURE_CODES.notFinished;
			for (const status of [200, 201, 204, 400, 404, 409, 500, 502, 503]) {
				for (const body of [undefined, '', 'text', { code: 0, message: 'There was a problem executing the workflow' }, { message: 'Workflow was started' }, [], [{}], Buffer.from('x')]) {
					const answer = answerForN8nReply(mode, status, body);
					const success = status < 300 && (mode === 'whenReceived' || body === undefined || body === '');
					expect(answer.accepted).toBe(success);
					if (success) {
						expect(answer).toEqual({ httpStatus: 200, body: CALLBACK_ACCEPTED_BODY, accepted: true });
					} else {
						const parsed = JSON.parse(answer.body) as { code: number; message: string };
						expect(parsed.code).toBe(failure);
						expect(answer.httpStatus).toBe(status < 300 ? 500 : status);
						expect(parsed.message).toContain(`n8n answered HTTP ${status}`);
					}
				}
			}
		}
	});

	it('n8n\'s answer is written once, even if n8n sends twice', async () => {
		const test = createWebhookContext({ node: trigger, headers: FORM, rawBody: Buffer.from(LEGACY_BODY) });
		await trigger.webhook.call(test.ctx);
		const res = test.ctx.getResponseObject() as unknown as { json: (body?: unknown) => unknown; statusCode: number };
		res.json({ message: 'Workflow was started' });
		res.statusCode = 500;
		res.json({ code: 0, message: 'late error' });
		expect(test.response.body).toBe(CALLBACK_ACCEPTED_BODY);
	});
});

describe('refused callbacks (non-zero code, 4xx, nothing started)', () => {
	it('403 when the token is missing', async () => {
		const outcome = await post(LEGACY_BODY, { parameters: { options: { callbackToken: 's3cret-token' } } });
		expectRefused(outcome, 403, 4003);
	});

	it('403 when the token is wrong, of the same or another length, or repeated', async () => {
		const parameters = { options: { callbackToken: 's3cret-token' } };
		expectRefused(await post(LEGACY_BODY, { parameters, query: { token: 's3cret-tokeN' } }), 403, 4003);
		expectRefused(await post(LEGACY_BODY, { parameters, query: { token: 's3cret' } }), 403, 4003);
		expectRefused(await post(LEGACY_BODY, { parameters, query: { token: ['s3cret-token', 's3cret-token'] } }), 403, 4003);
		expect(tokensMatch('abc', 'abc')).toBe(true);
		expect(tokensMatch('abc', 'abd')).toBe(false);
		expect(tokensMatch('abc', 'abcd')).toBe(false);
		// found by the fuzzer: lone surrogates are all U+FFFD in UTF-8, so they must be compared as code units
		expect(tokensMatch('\ud800', '\ud801')).toBe(false);
		expect(tokensMatch('x\ud800', 'x\ufffd')).toBe(false);
		expect(tokensMatch('令牌-token', '令牌-token')).toBe(true);
	});

	it('415 for a JSON or missing content type', async () => {
		expectRefused(await post(JSON.stringify({ code: 0, requestId: 1 }), { headers: { 'Content-Type': 'application/json' } }), 415, 4004);
		expectRefused(await post(LEGACY_BODY, { headers: {} }), 415, 4004);
	});

	it('400 for malformed bodies: bad escapes, bytes that are not text in any accepted encoding, repeated fields', async () => {
		const bad = expectRefused(await post('code=0&requestId=5&text=%E6%8'), 400, 4000);
		expect(bad.message).toMatch(/Malformed/);
		expectRefused(await post('code=0&requestId=5&text=%zz'), 400, 4000);
		expectRefused(await post('code=0&requestId=5&text=%FF%FE'), 400, 4000);
		expectRefused(await post(Buffer.concat([Buffer.from('code=0&requestId=5&text='), Buffer.from([0xc3, 0x28])])), 400, 4000);
		expectRefused(await post('code=0&requestId=5&requestId=6'), 400, 4000);
	});

	it('400 when requestId is missing, empty or not a task id', async () => {
		expectRefused(await post('code=0&text=hello'), 400, 4001);
		expectRefused(await post('code=0&requestId=&text=hello'), 400, 4001);
		expectRefused(await post('code=0&requestId=abc'), 400, 4001);
	});

	it('400 when code is missing or not a number', async () => {
		expectRefused(await post('requestId=5&text=hello'), 400, 4002);
		expectRefused(await post('code=ok&requestId=5'), 400, 4002);
		expectRefused(await post('code=0.5&requestId=5'), 400, 4002);
	});

	it('413 when the body is larger than Max Body Size', async () => {
		const big = `code=0&requestId=5&text=${'a'.repeat(2048)}`;
		const answer = expectRefused(await post(big, { parameters: { options: { maxBodySizeMb: 0.001 } } }), 413, 4005);
		expect(answer.message).toContain('1048');
		const fits = await post(`code=0&requestId=5&text=${'a'.repeat(500)}`, { parameters: { options: { maxBodySizeMb: 0.001 } } });
		expect(onlyItem(fits.result).text).toHaveLength(500);
	});

	it("without raw bytes: refuses n8n's parsed body when a field is not a single string, and checks Content-Length", async () => {
		const test = createWebhookContext({ node: trigger, headers: FORM, bodyData: { code: '0', requestId: ['5', '6'] } });
		const result = await trigger.webhook.call(test.ctx);
		expectRefused({ result, response: test.response }, 400, 4000);
		const large = createWebhookContext({
			node: trigger,
			parameters: { options: { maxBodySizeMb: 0.001 } },
			headers: { ...FORM, 'content-length': '5000' },
			bodyData: { code: '0', requestId: '5' },
		});
		expectRefused({ result: await trigger.webhook.call(large.ctx), response: large.response }, 413, 4005);
	});

	it('checks the token before anything else', async () => {
		const outcome = await post('not a form', { parameters: { options: { callbackToken: 't' } }, headers: { 'content-type': 'text/plain' } });
		expectRefused(outcome, 403, 4003);
	});
});

describe('parseCallbackForm / normalizeCallback', () => {
	it('decodes + as space and hex of either case identically', () => {
		const upper = parseCallbackForm('text=%E4%BD%A0+%E5%A5%BD');
		const lower = parseCallbackForm('text=%e4%bd%a0+%e5%a5%bd');
		expect(upper).toEqual({ ok: true, value: { text: '你 好' } });
		expect(lower).toEqual(upper);
		expect(parseCallbackForm('a=1&&b=&c')).toEqual({ ok: true, value: { a: '1', b: '', c: '' } });
	});

	it('returns refusals instead of throwing', () => {
		expect(normalizeCallback({ code: '0' })).toMatchObject({ ok: false, rejection: { httpStatus: 400, code: 4001 } });
	});
});

/**
 * A small HTTP server that hands each request to the trigger's webhook(), then answers as n8n
 * would (answerAsN8n). `outcomes` are used in turn for the requests whose workflow data is
 * handed to n8n (default: stored / succeeded); `started` collects the items of stored executions.
 */
async function startTriggerServer(parameters: IDataObject, outcomes: N8nOutcome[] = []) {
	const started: IDataObject[] = [];
	const responseOptions = responseOptionsOf(trigger, parameters);
	const server: RunningServer = await startServer(async (req: IncomingMessage, res: ServerResponse) => {
		const rawBody = await readBody(req);
		const url = new URL(req.url ?? '/', 'http://localhost');
		const query: IDataObject = {};
		for (const [key, value] of url.searchParams) {
			const previous = query[key];
			query[key] = previous === undefined ? value : ([] as string[]).concat(previous as string, value);
		}
		const headers: Record<string, string> = {};
		for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[key] = value;
		const test = createWebhookContext({ node: trigger, parameters: { simplify: false, ...parameters }, headers, query, rawBody, response: res });
		const result = await trigger.webhook.call(test.ctx);
		if (result.workflowData !== undefined) {
			if (res.writableEnded) throw new Error('the trigger answered before n8n stored the execution');
			const outcome = outcomes.shift() ?? (responseOptions.responseMode === 'lastNode' ? 'succeeded' : 'stored');
			if (outcome !== 'notStored') for (const item of result.workflowData[0] ?? []) started.push(item.json);
			answerAsN8n(res, result, { ...responseOptions, outcome });
		}
		if (!res.writableEnded) {
			res.writeHead(500).end('the trigger wrote no answer');
		}
	});
	return { server, started, url: `${server.url}/webhook/tencent-asr-callback` };
}

describe('integration: real form-encoded callbacks from the emulators', () => {
	const secretId = 'AKIDtriggerIntegration';
	const secretKey = 'trigger-integration-secret-key-0001';
	const token = 'cb-token-1234567890';
	let triggerServer: Awaited<ReturnType<typeof startTriggerServer>>;
	let dir: string;
	let files: RunningServer;
	const transcripts = new TranscriptRegistry();
	const wav = encodeTestWav(1.5, 16000, 42);

	beforeAll(async () => {
		triggerServer = await startTriggerServer({ options: { callbackToken: token } });
		dir = await mkdtemp(join(tmpdir(), 'asr-trigger-'));
		await writeFile(join(dir, 'meeting.wav'), wav);
		files = await startFileServer(dir);
		transcripts.register(wav, '今天 的 会议 开始。Next item & more.', 1.5);
	});

	afterAll(async () => {
		await triggerServer.server.close();
		await files.close();
		await rm(dir, { recursive: true, force: true });
	});

	it('CreateRecTask with a callback URL: the emulator calls back and the trigger starts the workflow with the transcript', async () => {
		const emulator = await startTencentCloudEmulator({ secretId, secretKey, appId: 1250000001, sdkAppIds: [], transcripts, callbackHexCase: 'mixed' });
		try {
			const callbackUrl = `${triggerServer.url}?token=${token}`;
			const { ctx } = createExecuteContext({
				node: new TencentCloudAsr(),
				parameters: {
					resource: 'recordingRecognition',
					operation: 'createTask',
					inputType: 'url',
					audioUrl: `${files.url}/meeting.wav`,
					resTextFormat: 2,
					callbackUrl,
				},
				credentials: { tencentCloudApi: { secretId, secretKey, appId: '1250000001', endpoint: emulator.url, keyCheck: '' } },
				credentialTypes: { tencentCloudApi: new TencentCloudApi() },
			});
			const [[created]] = await new TencentCloudAsr().execute.call(ctx);
			const taskId = created.json.taskId as string;
			expect(typeof taskId).toBe('string');
			const before = triggerServer.started.length;
			const delivery = await emulator.completeTask(taskId);
			expect(delivery?.accepted).toBe(true);
			expect(delivery?.attempts).toHaveLength(1);
			expect(delivery?.attempts[0].body).toBe('{"code":0,"message":"success"}');
			const received = triggerServer.started.slice(before);
			expect(received).toHaveLength(1);
			const callback = received[0];
			expect(callback.taskId).toBe(taskId);
			expect(callback.format).toBe('recTask');
			expect(callback.code).toBe(0);
			expect(callback.text).toContain('今天 的 会议 开始。');
			expect(callback.text).toContain('Next item & more.');
			expect(callback.audioTime).toBe(1.5);
			expect(callback.audioUrl).toBe(`${files.url}/meeting.wav`);
			expect(callback.appId).toBe('1250000001');
			expect(Array.isArray(callback.resultDetail)).toBe(true);
			expect((callback.resultDetail as IDataObject[])[0].FinalSentence).toBe('今天 的 会议 开始。');
			expect(callback.resultDetailRaw).toBe(delivery?.fields.resultDetail);
			expect(callback.raw).toEqual(delivery?.fields);
		} finally {
			await emulator.close();
		}
	});

	it('legacy API: the emulator calls back (lower-case hex) and the trigger normalises it', async () => {
		const legacy = await startTencentLegacyAsrEmulator({ secretId, secretKey, appId: 1250000001, transcripts, callbackHexCase: 'lower' });
		try {
			const { ctx } = createExecuteContext({
				node: new TencentCloudAsr(),
				parameters: {
					resource: 'recordingRecognition',
					operation: 'createLegacyTask',
					inputType: 'url',
					audioUrl: `${files.url}/meeting.wav`,
					callbackUrl: `${triggerServer.url}?token=${token}`,
				},
				credentials: { tencentCloudApi: { secretId, secretKey, appId: '1250000001', endpoint: legacy.url, keyCheck: 'verified' } },
				credentialTypes: { tencentCloudApi: new TencentCloudApi() },
			});
			const [[created]] = await new TencentCloudAsr().execute.call(ctx);
			const before = triggerServer.started.length;
			const delivery = await legacy.completeTask(Number(created.json.taskId));
			expect(delivery.accepted).toBe(true);
			expect(delivery.body).toMatch(/%[0-9a-f]{2}/);
			const [callback] = triggerServer.started.slice(before);
			expect(callback).toMatchObject({
				taskId: created.json.taskId,
				code: 0,
				message: 'success',
				text: '今天 的 会议 开始。Next item & more.',
				audioTime: 1.5,
				audioUrl: `${files.url}/meeting.wav`,
				appId: '1250000001',
				projectId: 0,
				resultDetail: null,
				resultDetailRaw: null,
				format: 'legacy',
			});
		} finally {
			await legacy.close();
		}
	});

	it.each([
		[1, 'GB2312', 'auto', '今天的会议开始，请大家发言。'],
		[2, 'GBK', 'auto', '今天的会议开始，请大家发言。'],
		[3, 'BIG5', 'big5', '今天的會議開始，請大家發言。'],
	])(
		'legacy API with Result Text Encoding %i (%s): the emulator sends encoded bytes and the trigger (%s) decodes them',
		async (resTextFormat, _name, textEncoding, text) => {
			const audio = encodeTestWav(1, 16000, 100 + resTextFormat);
			transcripts.register(audio, text, 1);
			await writeFile(join(dir, `encoded-${resTextFormat}.wav`), audio);
			const receiver = await startTriggerServer({ options: { callbackToken: token, textEncoding } });
			const legacy = await startTencentLegacyAsrEmulator({ secretId, secretKey, appId: 1250000001, transcripts });
			try {
				const { ctx } = createExecuteContext({
					node: new TencentCloudAsr(),
					parameters: {
						resource: 'recordingRecognition',
						operation: 'createLegacyTask',
						inputType: 'url',
						audioUrl: `${files.url}/encoded-${resTextFormat}.wav`,
						callbackUrl: `${receiver.url}?token=${token}`,
						legacyResTextFormat: resTextFormat,
					},
					credentials: { tencentCloudApi: { secretId, secretKey, appId: '1250000001', endpoint: legacy.url, keyCheck: 'verified' } },
					credentialTypes: { tencentCloudApi: new TencentCloudApi() },
				});
				const [[created]] = await new TencentCloudAsr().execute.call(ctx);
				const delivery = await legacy.completeTask(Number(created.json.taskId));
				// the wire carries the vendor encoding, not UTF-8
				expect(delivery.body.toLowerCase()).not.toContain(encodeURIComponent(text).toLowerCase().slice(0, 9));
				expect(delivery.accepted).toBe(true);
				expect(receiver.started).toEqual([expect.objectContaining({ taskId: created.json.taskId, text })]);
			} finally {
				await legacy.close();
				await receiver.server.close();
			}
		},
	);

	it.each([
		['When Received', {}, 'notStored' as N8nOutcome, N8N_FAILURE_CODES.notStored],
		['When the Workflow Has Finished', WHEN_FINISHED, 'failed' as N8nOutcome, N8N_FAILURE_CODES.notFinished],
	])(
		'%s: n8n fails the first delivery (never answered code 0), Tencent\'s retry is acknowledged',
		async (_name, reply, firstOutcome, code) => {
			const receiver = await startTriggerServer({ ...reply, options: { callbackToken: token } }, [firstOutcome]);
			try {
				const fields = { code: '0', requestId: '4242', appid: '1', projectid: '0', text: 'retry me', audioTime: '1.000000', message: '' };
				const delivery = await sendAsrCallback(`${receiver.url}?token=${token}`, fields, { retryIntervalMs: 0 });
				expect(delivery.attempts).toHaveLength(2);
				expect(delivery.attempts[0].status).toBe(500);
				expect(JSON.parse(delivery.attempts[0].body)).toMatchObject({ code });
				expect(delivery.attempts[0].accepted).toBe(false);
				expect(delivery.attempts[1]).toMatchObject({ status: 200, body: CALLBACK_ACCEPTED_BODY, accepted: true });
				expect(delivery.accepted).toBe(true);
				const expected = firstOutcome === 'notStored' ? 1 : 2; // a failed run did start the workflow
				expect(receiver.started.filter((item) => item.taskId === '4242')).toHaveLength(expected);
			} finally {
				await receiver.server.close();
			}
		},
	);

	it('a callback with a wrong token is refused twice (Tencent retries once) and starts nothing', async () => {
		const before = triggerServer.started.length;
		const delivery = await sendAsrCallback(`${triggerServer.url}?token=wrong`, { code: '0', requestId: '900', text: 'x' }, { retryIntervalMs: 0 });
		expect(delivery.accepted).toBe(false);
		expect(delivery.attempts).toHaveLength(2);
		for (const attempt of delivery.attempts) {
			expect(attempt.status).toBe(403);
			expect(JSON.parse(attempt.body)).toMatchObject({ code: 4003 });
		}
		expect(triggerServer.started.length).toBe(before);
	});
});
