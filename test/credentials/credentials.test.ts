/**
 * The three credentials' "Test" buttons, run the way n8n runs them (test/helpers/credentialTest.ts)
 * against the emulators: a good credential passes; a wrong secret, App ID, token or key fails with
 * the vendor's code; and no secret appears in any message.
 */
import { CozeApi } from '../../credentials/CozeApi.credentials';
import { TencentCloudApi } from '../../credentials/TencentCloudApi.credentials';
import { WeChatApi } from '../../credentials/WeChatApi.credentials';
import { startServer, TranscriptRegistry, type RunningServer } from '../emulators/common';
import { startCozeEmulator, type CozeEmulator } from '../emulators/coze';
import { startTencentCloudEmulator, type TencentCloudEmulator } from '../emulators/tencentCloud';
import { startWeChatEmulator, type WeChatEmulator } from '../emulators/wechat';
import { runCredentialTest } from '../helpers/credentialTest';

const WECHAT = { appId: 'wxcredtest0123456', appSecret: 'cred-test-wechat-secret-0123456789' };
const COZE_TOKEN = 'pat_credTestGoodToken0123456789';
/** A web server that is not a vendor API: 404 HTML for everything (a mistyped Base URL). */
let notAnApi: RunningServer;
beforeAll(async () => {
	notAnApi = await startServer((_req, res) => {
		res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not Found</body></html>');
	});
});
afterAll(async () => await notAnApi.close());

const TENCENT = { secretId: 'AKIDcredTestSecretId0001', secretKey: 'cred-test-tencent-secret-key-0001', appId: 1250000001 };

describe('WeChat API credential test', () => {
	let emulator: WeChatEmulator;
	beforeAll(async () => {
		emulator = await startWeChatEmulator({ ...WECHAT, transcripts: new TranscriptRegistry() });
	});
	afterAll(async () => await emulator.close());
	const test = async (data: Record<string, string>) =>
		await runCredentialTest(new WeChatApi(), { baseUrl: emulator.url, ...WECHAT, ...data });

	it('passes for the right App ID and App Secret, with either token endpoint', async () => {
		expect(await test({})).toEqual({ status: 'OK', message: 'Connection tested successfully' });
		expect((await test({ grantEndpoint: 'classic' })).status).toBe('OK');
	});

	it('fails a wrong App Secret with errcode 40125 and a wrong App ID with 40013, showing neither secret', async () => {
		const wrongSecret = await test({ appSecret: 'not-the-secret-0123456789abcdef' });
		expect(wrongSecret.status).toBe('Error');
		expect(wrongSecret.message).toMatch(/40125/);
		expect(wrongSecret.message).not.toContain('not-the-secret');
		const wrongAppId = await test({ appId: 'wxnotregistered0001' });
		expect(wrongAppId).toMatchObject({ status: 'Error', message: expect.stringMatching(/40013/) });
	});

	it('fails a Base URL that is not WeChat', async () => {
		const outcome = await test({ baseUrl: notAnApi.url });
		expect(outcome.status).toBe('Error');
		expect(outcome.message).toMatch(/Could not reach the WeChat token endpoint|404/);
	});

	it('still fails a wrong App Secret when a token is already stored (the test asks the token endpoint itself)', async () => {
		const stored = await test({ appSecret: 'not-the-secret-0123456789abcdef', accessToken: 'stored-token-from-before', expiresAt: String(Date.now() + 3_600_000) });
		expect(stored).toEqual({ status: 'Error', message: 'WeChat error 40125: invalid appsecret. Check the App Secret.' });
	});
});

describe('Coze API credential test', () => {
	let emulator: CozeEmulator;
	beforeAll(async () => {
		emulator = await startCozeEmulator({
			tokens: { [COZE_TOKEN]: { scopes: ['createTranscription'] }, pat_credTestNoPermission0001: { scopes: [] } },
			transcripts: new TranscriptRegistry(),
		});
	});
	afterAll(async () => await emulator.close());
	const test = async (accessToken: string) =>
		await runCredentialTest(new CozeApi(), { accessToken, baseUrl: 'custom', customBaseUrl: emulator.url });

	it('passes a token with createTranscription, sending no audio', async () => {
		expect(await test(COZE_TOKEN)).toEqual({ status: 'OK', message: 'Connection tested successfully' });
		const last = emulator.requests[emulator.requests.length - 1];
		expect(last).toMatchObject({ path: '/v1/audio/transcriptions', authorized: true, code: 4000 });
		expect(last.fileBytes).toBeUndefined();
	});

	it('fails an unknown token with 4100 and one without createTranscription with 4101', async () => {
		expect(await test('pat_credTestUnknownToken00001')).toEqual({
			status: 'Error',
			message: 'Coze error 4100: the access token is invalid or expired. Create a new personal access token.',
		});
		expect(await test('pat_credTestNoPermission0001')).toMatchObject({ status: 'Error', message: expect.stringMatching(/^Coze error 4101: .*createTranscription/) });
	});

	it('fails a Base URL that is not the Coze API (no Coze code in the answer)', async () => {
		expect(await runCredentialTest(new CozeApi(), { accessToken: COZE_TOKEN, baseUrl: 'custom', customBaseUrl: notAnApi.url })).toEqual({
			status: 'Error',
			message: 'The Base URL did not answer like the Coze API. Check it (https://api.coze.cn or https://api.coze.com).',
		});
	});

	it('fails a 4100 answered with HTTP 200, as Coze sometimes answers errors', async () => {
		emulator.failNext(200, 4100, 1, { html: false });
		expect((await test(COZE_TOKEN)).message).toMatch(/^Coze error 4100/);
	});
});

describe('Tencent Cloud API credential test', () => {
	let emulator: TencentCloudEmulator;
	beforeAll(async () => {
		emulator = await startTencentCloudEmulator({ ...TENCENT, sdkAppIds: [], transcripts: new TranscriptRegistry() });
	});
	afterAll(async () => await emulator.close());
	const test = async (data: Record<string, string>) =>
		await runCredentialTest(new TencentCloudApi(), {
			secretId: TENCENT.secretId,
			secretKey: TENCENT.secretKey,
			appId: String(TENCENT.appId),
			endpoint: emulator.url,
			...data,
		});

	it('passes the right key', async () => {
		expect((await test({})).status).toBe('OK');
	});

	it("fails a wrong SecretKey or SecretId with Tencent's Code and RequestId, never showing the key", async () => {
		const wrongKey = await test({ secretKey: 'not-the-tencent-secret-key-000001' });
		expect(wrongKey.status).toBe('Error');
		expect(wrongKey.message).toMatch(/AuthFailure\.SignatureFailure.*RequestId: [0-9a-f-]{36}/);
		expect(wrongKey.message).not.toContain('not-the-tencent-secret-key');
		const wrongId = await test({ secretId: 'AKIDunknownSecretId00001' });
		expect(wrongId.message).toMatch(/AuthFailure\.SecretIdNotFound/);
	});

	it('fails an App ID that does not belong to the key, naming both', async () => {
		const outcome = await test({ appId: '1250000999' });
		expect(outcome).toMatchObject({ status: 'Error', message: expect.stringMatching(/1250000999 does not belong to this key.*1250000001/) });
	});
});
