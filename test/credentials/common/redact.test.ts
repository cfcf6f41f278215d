/** Secret redaction applied to every message, description and log line of the package. */
import { redactSecrets } from '../../../credentials/common/redact';

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
