import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { signTencentRequest, toTencentCredentials } from '../nodes/shared/tencent/authenticate';
import { TENCENT_SERVICES } from '../nodes/shared/tencent/api';
import { parseJsonBody } from '../nodes/shared/transport';

/** Auth errors that mean the key itself is wrong (vendor notes §3). Other codes prove the signature was accepted. */
const KEY_REJECTED = /^AuthFailure\.(SignatureFailure|SecretIdNotFound|InvalidSecretId|SignatureExpire|TokenFailure|InvalidAuthorization|MFAFailure)/;

/**
 * Tencent Cloud API key (SecretId + SecretKey) for API 3.0 (TC3-HMAC-SHA256) and the legacy
 * recording-file ASR API (HMAC-SHA1). Every request of this credential is signed in
 * `authenticate` (see nodes/shared/tencent/authenticate.ts).
 */
export class TencentCloudApi implements ICredentialType {
	name = 'tencentCloudApi';

	displayName = 'Tencent Cloud API';

	icon = { light: 'file:../icons/tencentCloud.svg', dark: 'file:../icons/tencentCloud.dark.svg' } as const;

	documentationUrl = 'https://cloud.tencent.com/document/product/598/40488';

	properties: INodeProperties[] = [
		{
			displayName: 'SecretId',
			name: 'secretId',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'AKIDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
			description: 'On the Tencent Cloud website: Access Management (CAM) → API Keys',
		},
		{
			displayName: 'SecretKey',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The SecretKey shown next to the SecretId. It signs every request and is never sent.',
		},
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only for temporary credentials (STS): sent as X-TC-Token. Leave empty for a permanent key.',
		},
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			placeholder: '1250000000',
			description: "Your account's AppId (shown on the same API Keys page). Needed only by the legacy ASR API (aai.qcloud.com/asr/v1/{appid}).",
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'string',
			default: '',
			placeholder: 'ap-guangzhou',
			description: 'Optional X-TC-Region. The ASR and Contact Center APIs used here do not need one.',
		},
		{
			displayName: 'Custom Endpoint',
			name: 'endpoint',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:9000',
			description: 'Leave empty to call Tencent Cloud. When set, every request of this credential goes to this base URL instead (a private gateway or a local emulator); signatures still name the real service.',
		},
		{
			displayName: 'Key Check',
			name: 'keyCheck',
			type: 'hidden',
			typeOptions: { expirable: true },
			default: '',
		},
	];

	/**
	 * Verifies the key once (and on every credential test) with CAM `GetUserAppId`, so a wrong key
	 * fails with Tencent's own Code, Message and RequestId. A valid key without CAM permission
	 * passes: only signature/key errors fail. With a Custom Endpoint that does not serve CAM (HTTP
	 * 404 / 405 / 501, or a 2xx answer that is not Tencent JSON: a gateway for ASR / CCC only) the
	 * check is skipped and recorded as skipped; any other answer (a gateway's 5xx) fails this call
	 * and the check runs again next time.
	 *
	 * @returns `{ keyCheck }`, a note with the time of the check, stored (hidden, expirable).
	 * @throws Error naming Code, Message and RequestId when Tencent rejects the key, naming both
	 *   App IDs when the configured one is not the key's, or saying that CAM gave no Tencent answer.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const creds = toTencentCredentials(credentials);
		if (!creds.secretId || !creds.secretKey) {
			throw new Error('Enter both the SecretId and the SecretKey of a Tencent Cloud API key.');
		}
		const request = signTencentRequest(creds, {
			method: 'POST',
			url: `https://${TENCENT_SERVICES.cam.host}/`,
			headers: { 'X-TC-Action': 'GetUserAppId', 'X-TC-Version': TENCENT_SERVICES.cam.version },
			body: '{}',
		});
		const answer = (await this.helpers.httpRequest({
			...request,
			json: false,
			encoding: 'text',
			ignoreHttpStatusErrors: true,
			returnFullResponse: true,
		})) as { statusCode?: number; body?: unknown };
		const parsed = typeof answer.body === 'string' ? parseJsonBody(answer.body) : (answer.body as IDataObject | undefined);
		if (!parsed || typeof parsed.Response !== 'object' || parsed.Response === null) {
			const status = Number(answer.statusCode);
			const notServed = [404, 405, 501].includes(status) || (status >= 200 && status < 300);
			if (creds.endpoint && notServed) {
				// A private gateway that forwards ASR / CCC but not CAM: the key cannot be checked
				// here; the real calls still report key errors with Tencent's Code and RequestId.
				return { keyCheck: `skipped ${new Date().toISOString()}: the custom endpoint does not serve CAM GetUserAppId (HTTP ${String(answer.statusCode)})` };
			}
			throw new Error(
				`Tencent Cloud CAM answered HTTP ${String(answer.statusCode)} without a Tencent Cloud answer, so the key could not be checked. Try again later.`,
			);
		}
		const response = parsed.Response as IDataObject;
		const error = response.Error as IDataObject | undefined;
		if (error && KEY_REJECTED.test(String(error.Code))) {
			throw new Error(
				`Tencent Cloud rejected the key: ${String(error.Code)} – ${String(error.Message)} (RequestId: ${String(response.RequestId)})`,
			);
		}
		if (!error && creds.appId && response.AppId !== undefined && String(response.AppId) !== creds.appId) {
			throw new Error(
				`The App ID ${creds.appId} does not belong to this key: its account's App ID is ${String(response.AppId)} (RequestId: ${String(response.RequestId)})`,
			);
		}
		return { keyCheck: `verified ${new Date().toISOString()}` };
	}

	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => signTencentRequest(toTencentCredentials(credentials), requestOptions);

	test: ICredentialTestRequest = {
		request: {
			method: 'POST',
			url: `https://${TENCENT_SERVICES.cam.host}/`,
			headers: { 'X-TC-Action': 'GetUserAppId', 'X-TC-Version': TENCENT_SERVICES.cam.version },
			body: '{}',
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'Response.Error.Code',
					value: 'AuthFailure.SignatureFailure',
					message: 'AuthFailure.SignatureFailure: the SecretKey does not match the SecretId.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'Response.Error.Code',
					value: 'AuthFailure.SecretIdNotFound',
					message: 'AuthFailure.SecretIdNotFound: the SecretId does not exist or is disabled.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'Response.Error.Code',
					value: 'AuthFailure.SignatureExpire',
					message: "AuthFailure.SignatureExpire: this machine's clock is more than 5 minutes off.",
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'Response.Error.Code',
					value: 'AuthFailure.TokenFailure',
					message: 'AuthFailure.TokenFailure: the Session Token is wrong or expired.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'Response',
					value: undefined,
					message: 'The endpoint did not answer like the Tencent Cloud API. Check the Custom Endpoint, or leave it empty.',
				},
			},
		],
	};
}
