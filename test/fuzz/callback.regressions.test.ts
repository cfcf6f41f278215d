/**
 * Regressions found by fuzzing the ASR Trigger's callback handling (test/fuzz/callback.fuzz.test.ts):
 * each case is the shrunk counterexample fast-check reported, turned into a plain test.
 */
import { normalizeCallback, parseCallbackForm } from '../../nodes/TencentCloudAsrTrigger/callback';
import { TencentCloudAsrTrigger } from '../../nodes/TencentCloudAsrTrigger/TencentCloudAsrTrigger.node';
import { createWebhookContext } from '../helpers/webhookContext';

const REC_TASK_FIELDS = 'code=0&requestId=0&appid=0&projectid=0&text=&audioTime=0.000000&message=&resultDetail=';

describe('fuzz regressions: parseCallbackForm', () => {
	it('keeps a field named __proto__ as an own field (it was silently dropped) and refuses it twice', () => {
		// property (a), seed 20251101: {"kind":"extra","at":0,"name":"__proto__","value":""} on a CreateRecTask body
		const parsed = parseCallbackForm(`__proto__=&${REC_TASK_FIELDS}`);
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		expect(Object.keys(parsed.value)).toEqual(['__proto__', 'code', 'requestId', 'appid', 'projectid', 'text', 'audioTime', 'message', 'resultDetail']);
		expect(Object.getPrototypeOf(parsed.value)).toBe(Object.prototype);
		expect(Object.entries(parsed.value)[0]).toEqual(['__proto__', '']);
		const normalized = normalizeCallback(parsed.value);
		expect(normalized.ok && Object.hasOwn(normalized.value.raw, '__proto__')).toBe(true);
		for (const name of ['__proto__', 'constructor', 'toString']) {
			expect(parseCallbackForm(`${name}=a&${name}=b`)).toMatchObject({ ok: false, rejection: { httpStatus: 400, code: 4000 } });
		}
	});

	it('keeps a leading U+FEFF in a value, as the WHATWG urlencoded parser does (it was stripped as a BOM)', () => {
		// property (b), seed 20251102: {"kind":"requestId","value":"\uFEFF"} encoded with encodeURIComponent
		for (const encoding of ['auto', 'utf-8'] as const) {
			expect(parseCallbackForm('requestId=%EF%BB%BF', encoding)).toEqual({ ok: true, value: { requestId: '\uFEFF' } });
			expect(parseCallbackForm('text=%EF%BB%BFhello', encoding)).toEqual({ ok: true, value: { text: '\uFEFFhello' } });
		}
		expect(parseCallbackForm('%EF%BB%BFcode=0')).toEqual({ ok: true, value: { '\uFEFFcode': '0' } });
		expect([...new URLSearchParams('requestId=%EF%BB%BF')]).toEqual([['requestId', '\uFEFF']]);
	});

	it('parses a body of several megabytes in one pass (it took seconds per megabyte)', () => {
		// 2 MB of ASCII text took ~3 s (UTF-8) to ~7 s (Auto) before: one Buffer per character;
		// speed is measured by `npm run bench` (test/bench/callback.bench.js), not asserted here
		const text = 'Hello world. '.repeat(400_000);
		const escaped = '%E6%88%91'.repeat(300_000);
		for (const encoding of ['auto', 'utf-8'] as const) {
			const parsed = parseCallbackForm(Buffer.from(`${REC_TASK_FIELDS.replace('text=&', '')}&text=${text.replace(/ /g, '+')}&detail=${escaped}`), encoding);
			expect(parsed.ok).toBe(true);
			if (!parsed.ok) return;
			expect(parsed.value.text).toBe(text);
			expect(parsed.value.detail).toBe('我'.repeat(300_000));
		}
	});
});

describe('fuzz regressions: normalizeCallback', () => {
	it('refuses a code that a number cannot hold exactly (it became 1e+300, 1e+16 or Infinity)', () => {
		// property (a), seed 20251101: {"kind":"code","value":{"repeat":"9","times":16}};
		// property (c), seed 20251103: {"kind":"code","value":"1" + 300 zeros}
		for (const code of ['9'.repeat(16), `1${'0'.repeat(300)}`, `1${'0'.repeat(400)}`, '-9007199254740993']) {
			const result = normalizeCallback({ code, requestId: '5' });
			expect(result).toMatchObject({ ok: false, rejection: { httpStatus: 400, code: 4002 } });
			if (!result.ok) expect(result.rejection.message).toMatch(/too long to be a callback code/);
		}
		expect(normalizeCallback({ code: '9007199254740991', requestId: '5' })).toMatchObject({ ok: true, value: { code: 9007199254740991 } });
		expect(normalizeCallback({ code: '10007', requestId: '5' })).toMatchObject({ ok: true, value: { code: 10007 } });
	});

	it('gives projectId null, not Infinity, for a project id that a number cannot hold exactly', () => {
		expect(normalizeCallback({ code: '0', requestId: '5', projectid: `1${'0'.repeat(400)}` })).toMatchObject({ ok: true, value: { projectId: null } });
		expect(normalizeCallback({ code: '0', requestId: '5', projectid: '0' })).toMatchObject({ ok: true, value: { projectId: 0 } });
	});

	it('the trigger refuses such a code with 400 / 4002 and starts nothing', async () => {
		const trigger = new TencentCloudAsrTrigger();
		const test = createWebhookContext({
			node: trigger,
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			rawBody: Buffer.from(REC_TASK_FIELDS.replace('code=0', `code=1${'0'.repeat(300)}`)),
		});
		const result = await trigger.webhook.call(test.ctx);
		expect(result.workflowData).toBeUndefined();
		expect(test.response.statusCode).toBe(400);
		expect(JSON.parse(test.response.body)).toMatchObject({ code: 4002 });
	});
});
