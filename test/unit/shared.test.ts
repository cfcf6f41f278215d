/**
 * The pure parts of the shared runtime and the WeChat transport: secret redaction, WeChat's
 * errcode quirk and token expiry rule, transport error classification, the retry loop, JSON
 * parsing with uint64 fields, the multipart builder (read back by busboy, an independent
 * parser) and audio sniffing.
 */
import Busboy from 'busboy';
import { Readable } from 'node:stream';

import { formatBytes, redactSecrets } from '../../nodes/shared/errors';
import { buildMultipart } from '../../nodes/shared/multipart';
import { isTransientTransportError, parseJsonBody, toTransportError, TransportError, withRetry } from '../../nodes/shared/transport';
import { declaredAudioFormat, sniffAudioFormat } from '../../nodes/shared/audioFormat';
import { TOKEN_REFRESH_MARGIN_MS, tokenNeedsRefresh } from '../../nodes/WeChat/transport';
import { weChatErrcode } from '../../nodes/WeChat/transport/token';
import { clock } from '../../nodes/WeChat/actions/voice/transcribe.operation';

describe('redactSecrets', () => {
	it('blanks access_token, secret, signature and similar query values in URLs, whatever the case', () => {
		const url =
			'https://api.weixin.qq.com/cgi-bin/media/voice/addvoicetorecofortext?access_token=75_AbC-def&format=mp3&voice_id=v1&lang=zh_CN';
		expect(redactSecrets(url)).toBe(
			'https://api.weixin.qq.com/cgi-bin/media/voice/addvoicetorecofortext?access_token=***&format=mp3&voice_id=v1&lang=zh_CN',
		);
		expect(redactSecrets('GET /cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s3cr3t')).toBe(
			'GET /cgi-bin/token?grant_type=client_credential&appid=wx1&secret=***',
		);
		expect(redactSecrets('https://x/asr?SecretId=AKID1&Signature=abc%2B&token=t')).toBe('https://x/asr?SecretId=***&Signature=***&token=***');
		expect(redactSecrets('"https://b.cos.myqcloud.com/a.mp3?q-signature=deadbeef"')).toBe('"https://b.cos.myqcloud.com/a.mp3?q-signature=***"');
	});

	it('blanks every listed secret value wherever it appears, but not values under 4 characters', () => {
		expect(redactSecrets('Bearer pat_abc123 failed for pat_abc123', ['pat_abc123'])).toBe('Bearer *** failed for ***');
		expect(redactSecrets('a b c', ['a', undefined, ''])).toBe('a b c');
	});

	it('leaves text without secrets alone', () => {
		expect(redactSecrets('WeChat error: 40001 – invalid credential')).toBe('WeChat error: 40001 – invalid credential');
	});
});

describe('formatBytes', () => {
	it('gives exact bytes with the unit users know', () => {
		expect(formatBytes(1_048_577)).toMatch(/^1,048,577 bytes/);
		expect(formatBytes(0)).toMatch(/^0 bytes/);
	});
});

describe('weChatErrcode (seed 000: errcode is sometimes the string "0")', () => {
	it.each([
		[{ errcode: 0 }, 0],
		[{ errcode: '0' }, 0],
		[{ errcode: 40001 }, 40001],
		[{ errcode: '40001' }, 40001],
		[{ errcode: -1 }, -1],
		[{}, 0],
		[undefined, 0],
		[{ errcode: '' }, 0],
		[{ errcode: 'oops' }, -1],
	])('%j → %i', (body, code) => {
		expect(weChatErrcode(body as never)).toBe(code);
	});
});

describe('tokenNeedsRefresh', () => {
	const now = 1_700_000_000_000;
	it('refreshes a missing token and one expiring within the margin, reuses one that is valid', () => {
		expect(tokenNeedsRefresh({}, now)).toBe(true);
		expect(tokenNeedsRefresh({ accessToken: 't', expiresAt: now + TOKEN_REFRESH_MARGIN_MS - 1 }, now)).toBe(true);
		expect(tokenNeedsRefresh({ accessToken: 't', expiresAt: now + TOKEN_REFRESH_MARGIN_MS + 1 }, now)).toBe(false);
		// a token without a stamp (stored by an older version) is used until WeChat says otherwise
		expect(tokenNeedsRefresh({ accessToken: 't' }, now)).toBe(false);
	});
});

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

	it('keeps an HTTP error as received, and a credential check failure as CredentialError, both redacted', () => {
		const http = toTransportError(Object.assign(new Error('Request failed ?access_token=abc'), { response: { status: 502 } }));
		expect(http.mayHaveReachedServer).toBe(true);
		expect(http.message).toBe('Request failed ?access_token=***');
		const credential = toTransportError(new Error('WeChat rejected App Secret s3cr3t-value'), ['s3cr3t-value']);
		expect(credential.name).toBe('CredentialError');
		expect(credential.message).toBe('WeChat rejected App Secret ***');
		expect(isTransientTransportError(credential)).toBe(false);
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

describe('buildMultipart', () => {
	async function parse(body: Buffer, contentType: string) {
		return await new Promise<{ fields: Record<string, string>; files: Array<{ name: string; fileName: string; mimeType: string; data: Buffer }> }>(
			(resolve, reject) => {
				const fields: Record<string, string> = {};
				const files: Array<{ name: string; fileName: string; mimeType: string; data: Buffer }> = [];
				const parser = Busboy({ headers: { 'content-type': contentType } });
				parser.on('field', (name, value) => (fields[name] = value));
				parser.on('file', (name, stream, info) => {
					const chunks: Buffer[] = [];
					stream.on('data', (chunk: Buffer) => chunks.push(chunk));
					stream.on('end', () => files.push({ name, fileName: info.filename ?? '', mimeType: info.mimeType, data: Buffer.concat(chunks) }));
				});
				parser.on('close', () => resolve({ fields, files }));
				parser.on('error', reject);
				Readable.from([body]).pipe(parser);
			},
		);
	}

	it('builds a body busboy reads back byte for byte, with the part names the vendors want', async () => {
		const audio = Buffer.from([0xff, 0xf3, 0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0x00]);
		const { body, contentType } = buildMultipart(
			[{ fieldName: 'media', fileName: 'a "quoted"\r\nname.mp3', contentType: 'audio/mpeg', data: audio }],
			{ note: '中文 text' },
		);
		expect(contentType).toMatch(/^multipart\/form-data; boundary=----n8nCnSpeech[0-9a-f]{24}$/);
		const parsed = await parse(body, contentType);
		expect(parsed.fields).toEqual({ note: '中文 text' });
		expect(parsed.files).toHaveLength(1);
		expect(parsed.files[0]).toMatchObject({ name: 'media', mimeType: 'audio/mpeg' });
		expect(parsed.files[0].data.equals(audio)).toBe(true);
	});
});

describe('sniffAudioFormat / declaredAudioFormat', () => {
	it('recognises containers by their bytes, not their names', () => {
		expect(sniffAudioFormat(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBe('wav');
		expect(sniffAudioFormat(Buffer.from('ID3\x04\0\0\0\0\0\0'))).toBe('mp3');
		expect(sniffAudioFormat(Buffer.from([0xff, 0xf3, 0x44, 0xc4]))).toBe('mp3');
		expect(sniffAudioFormat(Buffer.from([0xff, 0xf1, 0x50, 0x80]))).toBe('aac');
		expect(sniffAudioFormat(Buffer.from('#!AMR\n'))).toBe('amr');
		expect(sniffAudioFormat(Buffer.from('hello, not audio'))).toBeUndefined();
		expect(sniffAudioFormat(Buffer.alloc(2))).toBeUndefined();
	});

	it('reads the declared format from the extension first, else the MIME type', () => {
		expect(declaredAudioFormat('PCM', 'audio/mpeg')).toBe('pcm');
		expect(declaredAudioFormat('', 'audio/x-wav; charset=binary')).toBe('wav');
		expect(declaredAudioFormat('', 'application/octet-stream')).toBeUndefined();
	});
});

describe('clock (part time ranges in WeChat errors)', () => {
	it.each([
		[0, '0:00.0'],
		[9.95, '0:10.0'],
		[119.97, '2:00.0'],
		[261.4, '4:21.4'],
		[3599.99, '60:00.0'],
	])('%f s → %s', (seconds, text) => {
		expect(clock(seconds)).toBe(text);
	});
});
