/** Transport error classification, the retry loop and JSON parsing with uint64 fields (credentials/common/http.ts). */
import { NodeApiError } from 'n8n-workflow';

import { isTransientTransportError, parseJsonBody, toTransportError, TransportError, withRetry } from '../../../credentials/common/http';

describe('toTransportError / isTransientTransportError', () => {
	const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

	it('classifies resets as transient and possibly received, refused connections as never sent', () => {
		const reset = toTransportError(withCode('socket hang up', 'ECONNRESET'));
		expect(reset).toBeInstanceOf(TransportError);
		expect(reset).toMatchObject({ code: 'ECONNRESET', mayHaveReachedServer: true });
		expect(isTransientTransportError(reset)).toBe(true);
		const refused = toTransportError(Object.assign(new Error('connect failed'), { cause: { code: 'ECONNREFUSED' } }));
		expect(refused).toMatchObject({ code: 'ECONNREFUSED', mayHaveReachedServer: false });
		expect(isTransientTransportError(refused)).toBe(true);
		const dns = toTransportError(withCode('getaddrinfo ENOTFOUND x', 'ENOTFOUND'));
		expect(isTransientTransportError(dns)).toBe(false);
	});

	it('keeps an HTTP error as received (redacted), and leaves errors that are not transport failures to the caller', () => {
		const http = toTransportError(Object.assign(new Error('Request failed ?access_token=abc'), { response: { status: 502 } }))!;
		expect(http.mayHaveReachedServer).toBe(true);
		expect(http.message).toBe('Request failed ?access_token=***');
		// a failed credential check is told apart by its type (CredentialError), not by its message
		expect(toTransportError(new Error('WeChat rejected App Secret s3cr3t-value'), ['s3cr3t-value'])).toBeUndefined();
	});

	it('reads the NodeApiError n8n wraps every httpRequestWithAuthentication failure in: the code or status is in httpCode', () => {
		const node = { id: '1', name: 'x', type: 't', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
		const reset = toTransportError(new NodeApiError(node, Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) as never));
		expect(reset).toMatchObject({ code: 'ECONNRESET', mayHaveReachedServer: true });
		expect(isTransientTransportError(reset)).toBe(true);
		const refused = toTransportError(new NodeApiError(node, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) as never));
		expect(refused).toMatchObject({ code: 'ECONNREFUSED', mayHaveReachedServer: false });
		const status = toTransportError(new NodeApiError(node, { message: 'bad gateway' }, { httpCode: '502' }));
		expect(status).toMatchObject({ httpStatus: 502, mayHaveReachedServer: true });
		expect(toTransportError(new NodeApiError(node, new Error('Node has no credentials') as never))).toBeUndefined();
	});
});

describe('withRetry', () => {
	const ctx = {};

	it('retries while shouldRetry says so, up to maxAttempts, and rethrows the last error unchanged', async () => {
		let calls = 0;
		const last = new Error('third');
		await expect(
			withRetry(
				ctx,
				async (attempt) => {
					calls++;
					throw attempt === 3 ? last : new Error(`attempt ${attempt}`);
				},
				() => true,
				{ maxAttempts: 3, baseDelayMs: 1 },
			),
		).rejects.toBe(last);
		expect(calls).toBe(3);
	});

	it('stops at once when shouldRetry says no, and returns the first success', async () => {
		let calls = 0;
		await expect(withRetry(ctx, async () => { calls++; throw new Error('input'); }, () => false, { baseDelayMs: 1 })).rejects.toThrow('input');
		expect(calls).toBe(1);
		expect(await withRetry(ctx, async (attempt) => { if (attempt < 2) throw new Error('busy'); return 'ok'; }, () => true, { baseDelayMs: 1 })).toBe('ok');
	});

	it('waits the milliseconds shouldRetry returns (a rate-limit window)', async () => {
		const started = Date.now();
		await withRetry(ctx, async (attempt) => { if (attempt === 1) throw new Error('limited'); return 1; }, () => 120, { baseDelayMs: 1 });
		expect(Date.now() - started).toBeGreaterThanOrEqual(110);
	});

	it('gives up when the execution is cancelled', async () => {
		const controller = new AbortController();
		let calls = 0;
		const cancelled = withRetry(
			{ getExecutionCancelSignal: () => controller.signal },
			async () => {
				calls++;
				controller.abort();
				throw new Error('busy');
			},
			() => true,
			{ baseDelayMs: 1 },
		);
		await expect(cancelled).rejects.toThrow('busy');
		expect(calls).toBe(1);
	});
});

describe('parseJsonBody', () => {
	it('keeps listed uint64 fields exact as strings and leaves other numbers alone', () => {
		const parsed = parseJsonBody('{"Response":{"Data":{"TaskId":18446744073709551615},"Small":12}}', ['TaskId']);
		expect(parsed).toEqual({ Response: { Data: { TaskId: '18446744073709551615' }, Small: 12 } });
		expect(parseJsonBody('<html>502</html>')).toBeUndefined();
		expect(parseJsonBody('42')).toBeUndefined();
	});
});
