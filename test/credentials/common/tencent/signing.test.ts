/**
 * Tencent Cloud signing: TC3-HMAC-SHA256 (API 3.0), the legacy recording-file ASR HMAC-SHA1
 * signature and the flash recognition HMAC-SHA1 signature (docs/tencent-flash-asr.md#signature), against the vectors of docs/tencent-cloud-api.md#tc3-hmac-sha256-signing and docs/tencent-legacy-asr.md#signature, plus what the credential's
 * `authenticate` (signTencentRequest) does with hosts, ports, services, endpoints and bodies.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { flashAsrStringToSign, legacyAsrStringToSign, signFlashAsr, signLegacyAsr, signTc3 } from '../../../../credentials/common/tencent/signing';
import { applyEndpoint, signTencentRequest, TC3_CONTENT_TYPE } from '../../../../credentials/common/tencent/authenticate';
import { serializeTencentParams } from '../../../../nodes/common/tencent/client';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('signTc3 (docs/tencent-cloud-api.md#tc3-hmac-sha256-signing vectors)', () => {
	it('reproduces vector 1 (DescribeInstances, content-type application/json)', () => {
		const result = signTc3({
			secretId: 'test-secret-id',
			secretKey: 'test-secret-key',
			service: 'cvm',
			host: 'cvm.tencentcloudapi.com',
			timestamp: 1640995200,
			payload: '{"Action":"DescribeInstances","Version":"2017-03-12"}',
			contentType: 'application/json',
		});
		expect(result.signature).toBe('96473b50fe407833672a5d6d067238d88bb44c8abcc39ef83baa3132afbfadd3');
		expect(result.date).toBe('2022-01-01');
		expect(result.authorization).toBe(
			'TC3-HMAC-SHA256 Credential=test-secret-id/2022-01-01/cvm/tc3_request, SignedHeaders=content-type;host, Signature=96473b50fe407833672a5d6d067238d88bb44c8abcc39ef83baa3132afbfadd3',
		);
	});

	it("reproduces vector 2 (the public documentation's example) with every intermediate hash", () => {
		const payload = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
		const result = signTc3({
			secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******',
			secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******',
			service: 'cvm',
			host: 'cvm.tencentcloudapi.com',
			timestamp: 1551113065,
			payload,
			contentType: 'application/json; charset=utf-8',
		});
		expect(result.hashedPayload).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
		expect(sha256(result.canonicalRequest)).toBe('5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
		expect(result.signature).toBe('2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c');
		expect(result.stringToSign).toBe(
			'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031',
		);
	});

	it("reproduces vector 2 through the credential's own authenticate step (signTencentRequest)", () => {
		const payload = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
		const signed = signTencentRequest(
			{ secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******', secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******', appId: '', sessionToken: '', region: '', endpoint: '' },
			{ method: 'POST', url: 'https://cvm.tencentcloudapi.com/', headers: { 'X-TC-Action': 'DescribeInstances', 'X-TC-Version': '2017-03-12' }, body: payload },
			1551113065000,
		);
		const headers = signed.headers as Record<string, string>;
		expect(headers.Authorization).toBe(
			'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
		);
		expect(headers['X-TC-Timestamp']).toBe('1551113065');
		expect(signed.body).toBe(payload);
	});

	it('changes the signature when a single body byte changes', () => {
		const base = {
			secretId: 'id',
			secretKey: 'key',
			service: 'asr',
			host: 'asr.tencentcloudapi.com',
			timestamp: 1700000000,
			contentType: TC3_CONTENT_TYPE,
		};
		expect(signTc3({ ...base, payload: '{"TaskId":1}' }).signature).not.toBe(
			signTc3({ ...base, payload: '{"TaskId":2}' }).signature,
		);
	});
});

describe('legacy ASR signature (docs/tencent-legacy-asr.md#signature vectors)', () => {
	const vector1 = {
		callback_url: 'http://test.qq.com',
		channel_num: '1',
		engine_model_type: '8k_0',
		expired: '1561464926',
		nonce: '6666',
		projectid: '0',
		res_text_format: '0',
		res_type: '1',
		secretid: 'AKIDoQq1zhZMN8dv0psmvud6OUKuGPO7pu0r',
		source_type: '0',
		sub_service_type: '0',
		timestamp: '1561461326',
		url: 'https://xuhai2-1255824371.cos.ap-chengdu.myqcloud.com/test.wav',
	};

	it('reproduces vector 1 (source_type=0 with url)', () => {
		expect(legacyAsrStringToSign(1259228442, vector1)).toBe(
			'POSTaai.qcloud.com/asr/v1/1259228442?callback_url=http://test.qq.com&channel_num=1&engine_model_type=8k_0&expired=1561464926&nonce=6666&projectid=0&res_text_format=0&res_type=1&secretid=AKIDoQq1zhZMN8dv0psmvud6OUKuGPO7pu0r&source_type=0&sub_service_type=0&timestamp=1561461326&url=https://xuhai2-1255824371.cos.ap-chengdu.myqcloud.com/test.wav',
		);
		expect(signLegacyAsr('kFpwoX5RYQ2SkqpeHgqmSzHK7h3A2fni', 1259228442, vector1)).toBe('5Zb1hKd8uo4H+AgpMbktZhHqqjY=');
	});

	it('reproduces vector 2 (source_type=1, no url)', () => {
		const { url: _url, ...rest } = vector1;
		const params = { ...rest, expired: '1561465286', source_type: '1', timestamp: '1561461686' };
		expect(signLegacyAsr('kFpwoX5RYQ2SkqpeHgqmSzHK7h3A2fni', '1259228442', params)).toBe('j8AY1RkedGSoDxCjAEtT2pq/r1w=');
	});

	it('reproduces vector 3 (the example of the API document), ignoring an appid parameter', () => {
		const params = {
			appid: '2000001',
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
		};
		expect(legacyAsrStringToSign('2000001', params)).toBe(
			'POSTaai.qcloud.com/asr/v1/2000001?callback_url=http://test.qq.com/rec_callback&engine_model_type=1&expired=1473752807&nonce=44925&projectid=0&res_text_format=0&res_type=1&secretid=AKIDUfLUEUigQiXqm7CVSspKJnuaiIKtxqAv&source_type=0&sub_service_type=0&timestamp=1473752207&url=http://test.qq.com/voice_url',
		);
		expect(signLegacyAsr('bLcPnl88WU30VY57ipRhSePfPdOfSruK', '2000001', params)).toBe('UyKZ+Q4xMbdu3gxOmPD7tgnAm1A=');
	});
});

describe('signTencentRequest (the credential authenticate step)', () => {
	const credentials = { secretId: 'AKIDexample', secretKey: 'example-secret-key-123', appId: '1250000001' };
	const now = Date.UTC(2024, 4, 6, 7, 8, 9);
	const timestamp = Math.floor(now / 1000);

	function headerOf(headers: unknown, name: string): string | undefined {
		const entry = Object.entries(headers as Record<string, string>).find(([k]) => k.toLowerCase() === name.toLowerCase());
		return entry?.[1];
	}

	it('signs the exact body bytes with service and host of the vendor URL', () => {
		const body = serializeTencentParams({ TaskId: '18446744073709551615' });
		expect(body).toBe('{"TaskId":18446744073709551615}');
		const signed = signTencentRequest(
			credentials,
			{ method: 'POST', url: 'https://asr.tencentcloudapi.com/', headers: { 'X-TC-Action': 'DescribeTaskStatus' }, body },
			now,
		);
		expect(signed.url).toBe('https://asr.tencentcloudapi.com/');
		expect(signed.body).toBe(body);
		const expected = signTc3({
			secretId: credentials.secretId,
			secretKey: credentials.secretKey,
			service: 'asr',
			host: 'asr.tencentcloudapi.com',
			timestamp,
			payload: body,
			contentType: TC3_CONTENT_TYPE,
		});
		expect(headerOf(signed.headers, 'Authorization')).toBe(expected.authorization);
		expect(headerOf(signed.headers, 'X-TC-Timestamp')).toBe(String(timestamp));
		expect(headerOf(signed.headers, 'Content-Type')).toBe(TC3_CONTENT_TYPE);
		expect(headerOf(signed.headers, 'X-TC-Action')).toBe('DescribeTaskStatus');
		expect(headerOf(signed.headers, 'X-TC-Token')).toBeUndefined();
		expect(headerOf(signed.headers, 'X-TC-Region')).toBeUndefined();
	});

	it('with an endpoint override: sends there, signs the host WITHOUT port, keeps the service of the API', () => {
		const signed = signTencentRequest(
			{ ...credentials, endpoint: 'http://127.0.0.1:9123', sessionToken: 'sts-token-value', region: 'ap-guangzhou' },
			{ method: 'POST', url: 'https://ccc.tencentcloudapi.com/', body: '{"SdkAppId":1400000000}' },
			now,
		);
		expect(signed.url).toBe('http://127.0.0.1:9123/');
		const expected = signTc3({
			secretId: credentials.secretId,
			secretKey: credentials.secretKey,
			service: 'ccc',
			host: '127.0.0.1',
			timestamp,
			payload: '{"SdkAppId":1400000000}',
			contentType: TC3_CONTENT_TYPE,
		});
		expect(headerOf(signed.headers, 'Authorization')).toBe(expected.authorization);
		expect(headerOf(signed.headers, 'Authorization')).toContain('/ccc/tc3_request');
		expect(headerOf(signed.headers, 'X-TC-Token')).toBe('sts-token-value');
		expect(headerOf(signed.headers, 'X-TC-Region')).toBe('ap-guangzhou');
		// A signature over the host WITH the port differs: the emulator would refuse it.
		const withPort = signTc3({
			secretId: credentials.secretId,
			secretKey: credentials.secretKey,
			service: 'ccc',
			host: '127.0.0.1:9123',
			timestamp,
			payload: '{"SdkAppId":1400000000}',
			contentType: TC3_CONTENT_TYPE,
		});
		expect(withPort.signature).not.toBe(expected.signature);
	});

	it('serialises an object body once and signs those bytes (and Buffers as given)', () => {
		const signed = signTencentRequest(
			credentials,
			{ method: 'POST', url: 'https://asr.tencentcloudapi.com/', body: { EngineModelType: '16k_zh', ChannelNum: 1 } },
			now,
		);
		expect(signed.body).toBe('{"EngineModelType":"16k_zh","ChannelNum":1}');
		const expected = signTc3({
			secretId: credentials.secretId,
			secretKey: credentials.secretKey,
			service: 'asr',
			host: 'asr.tencentcloudapi.com',
			timestamp,
			payload: '{"EngineModelType":"16k_zh","ChannelNum":1}',
			contentType: TC3_CONTENT_TYPE,
		});
		expect(headerOf(signed.headers, 'Authorization')).toBe(expected.authorization);
		const bufferBody = Buffer.from('{"A":"\u00e9"}', 'utf8');
		const signedBuffer = signTencentRequest(credentials, { method: 'POST', url: 'https://asr.tencentcloudapi.com/', body: bufferBody }, now);
		expect(signedBuffer.body).toBe(bufferBody);
		expect(headerOf(signedBuffer.headers, 'Authorization')).toContain(
			signTc3({
				secretId: credentials.secretId,
				secretKey: credentials.secretKey,
				service: 'asr',
				host: 'asr.tencentcloudapi.com',
				timestamp,
				payload: bufferBody,
				contentType: TC3_CONTENT_TYPE,
			}).signature,
		);
	});

	it('legacy ASR: adds secretid/timestamp/expired/nonce, signs raw values, sends them URL-encoded', () => {
		const qs = {
			projectid: 0,
			sub_service_type: 0,
			engine_model_type: '16k_0',
			res_text_format: 0,
			res_type: 1,
			callback_url: 'https://n8n.example.com/webhook/abc/tencent-asr-callback?token=a b&x=1',
			channel_num: 1,
			source_type: 0,
			url: 'https://bucket.example.com/audio/录音 1.wav',
		};
		const signed = signTencentRequest(
			credentials,
			{ method: 'POST', url: 'https://aai.qcloud.com/asr/v1/1250000001', qs, body: Buffer.alloc(0) },
			now,
		);
		expect(signed.qs).toBeUndefined();
		const url = new URL(signed.url);
		expect(url.origin + url.pathname).toBe('https://aai.qcloud.com/asr/v1/1250000001');
		// Every value is percent-encoded on the wire: no raw space, '&' or '?' inside a value.
		expect(url.search).toContain(`callback_url=${encodeURIComponent(qs.callback_url)}`);
		expect(url.search).toContain(`url=${encodeURIComponent(qs.url)}`);
		expect(url.search).not.toContain(' ');
		const params = Object.fromEntries(url.searchParams.entries());
		expect(params.secretid).toBe(credentials.secretId);
		expect(params.timestamp).toBe(String(timestamp));
		expect(Number(params.expired)).toBeGreaterThan(timestamp);
		expect(Number(params.expired) - timestamp).toBeLessThan(90 * 86400);
		expect(params.nonce).toMatch(/^[1-9]\d{0,9}$/);
		expect(params.callback_url).toBe(qs.callback_url);
		expect(params.url).toBe(qs.url);
		// The receiver decodes, then verifies over the raw values.
		const expected = createHmac('sha1', credentials.secretKey)
			.update(legacyAsrStringToSign('1250000001', params))
			.digest('base64');
		expect(headerOf(signed.headers, 'Authorization')).toBe(expected);
		expect(headerOf(signed.headers, 'Content-Type')).toBe('application/octet-stream');
	});

	it('legacy ASR with an endpoint override keeps the aai.qcloud.com string to sign', () => {
		const signed = signTencentRequest(
			{ ...credentials, endpoint: 'http://127.0.0.1:9555/prefix/' },
			{
				method: 'POST',
				url: 'https://aai.qcloud.com/asr/v1/1250000001',
				qs: { nonce: '123', timestamp: '1561461326', expired: '1561464926', source_type: 1 },
			},
			now,
		);
		const url = new URL(signed.url);
		expect(url.origin).toBe('http://127.0.0.1:9555');
		expect(url.pathname).toBe('/prefix/asr/v1/1250000001');
		const params = Object.fromEntries(url.searchParams.entries());
		expect(params).toEqual({
			expired: '1561464926',
			nonce: '123',
			secretid: credentials.secretId,
			source_type: '1',
			timestamp: '1561461326',
		});
		expect(headerOf(signed.headers, 'Authorization')).toBe(signLegacyAsr(credentials.secretKey, '1250000001', params));
	});

	it('applyEndpoint keeps path and query and ignores an empty endpoint', () => {
		const url = new URL('https://asr.tencentcloudapi.com/a/b?c=1');
		expect(applyEndpoint(url, '').toString()).toBe(url.toString());
		expect(applyEndpoint(url, 'http://localhost:8080').toString()).toBe('http://localhost:8080/a/b?c=1');
	});
});

describe('flash recognition signature (official-SDK vectors, test/fixtures/tencent-flash-signing-vectors.json)', () => {
	interface FlashVector {
		name: string;
		appid: string;
		secretKey: string;
		params: Record<string, string>;
		stringToSign: string;
		authorization: string;
	}
	const { vectors } = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'tencent-flash-signing-vectors.json'), 'utf8')) as {
		vectors: FlashVector[];
	};

	const headerOf = (headers: unknown, name: string): string | undefined =>
		Object.entries(headers as Record<string, string>).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

	it('has the three committed vectors, the first being the documented example', () => {
		expect(vectors).toHaveLength(3);
		expect(vectors[0].authorization).toBe('R53FKwXyJujLC+W2rqJijhmS1a4=');
	});

	it.each(vectors.map((vector) => [vector.name, vector] as const))('%s: string to sign and signature', (_name, vector) => {
		expect(flashAsrStringToSign(vector.appid, vector.params)).toBe(vector.stringToSign);
		expect(signFlashAsr(vector.secretKey, vector.appid, vector.params)).toBe(vector.authorization);
	});

	it.each(vectors.map((vector) => [vector.name, vector] as const))(
		"%s: through the credential's authenticate step (signTencentRequest), also behind a Custom Endpoint",
		(_name, vector) => {
			const { secretid, ...query } = vector.params;
			for (const endpoint of ['', 'http://127.0.0.1:9777/gateway/']) {
				const signed = signTencentRequest(
					{ secretId: secretid, secretKey: vector.secretKey, appId: vector.appid, sessionToken: '', region: '', endpoint },
					{ method: 'POST', url: `https://asr.cloud.tencent.com/asr/flash/v1/${vector.appid}`, qs: query, body: Buffer.from('RIFF') },
					// a clock far from the vector's timestamp: the given timestamp must be kept
					Date.UTC(2030, 0, 1),
				);
				expect(headerOf(signed.headers, 'Authorization')).toBe(vector.authorization);
				expect(headerOf(signed.headers, 'Content-Type')).toBe('application/octet-stream');
				expect(signed.qs).toBeUndefined();
				const url = new URL(signed.url);
				expect(`${url.origin}${url.pathname}`).toBe(
					endpoint ? `http://127.0.0.1:9777/gateway/asr/flash/v1/${vector.appid}` : `https://asr.cloud.tencent.com/asr/flash/v1/${vector.appid}`,
				);
				// every value decodes back to the signed raw value; nothing unescaped on the wire
				expect(Object.fromEntries(url.searchParams.entries())).toEqual(vector.params);
				expect(url.search).not.toMatch(/[ |,\u4e00-\u9fff]/);
			}
		},
	);

	it('adds secretid and timestamp from the credential and clock, and signs a session token as `token` (also sent as X-TC-Token)', () => {
		const now = Date.UTC(2026, 0, 2, 3, 4, 5);
		const signed = signTencentRequest(
			{ secretId: 'AKIDflash', secretKey: 'flash-secret-key-0001', appId: '1250000001', sessionToken: 'sts-token-0001', region: '', endpoint: '' },
			{ method: 'POST', url: 'https://asr.cloud.tencent.com/asr/flash/v1/1250000001', qs: { engine_type: '16k_zh', voice_format: 'mp3', hotword_id: undefined } },
			now,
		);
		const params = Object.fromEntries(new URL(signed.url).searchParams.entries());
		expect(params).toEqual({
			engine_type: '16k_zh',
			voice_format: 'mp3',
			secretid: 'AKIDflash',
			timestamp: String(Math.floor(now / 1000)),
			token: 'sts-token-0001',
		});
		expect(headerOf(signed.headers, 'Authorization')).toBe(signFlashAsr('flash-secret-key-0001', '1250000001', params));
		expect(headerOf(signed.headers, 'X-TC-Token')).toBe('sts-token-0001');
		// the string to sign names asr.cloud.tencent.com, never the host the request is sent to
		expect(flashAsrStringToSign('1250000001', params)).toMatch(/^POSTasr\.cloud\.tencent\.com\/asr\/flash\/v1\/1250000001\?engine_type=16k_zh&secretid=AKIDflash&timestamp=\d+&token=sts-token-0001&voice_format=mp3$/);
	});
});
