import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { signTencentRequest, toTencentCredentials } from './common/tencent/authenticate';
import { checkTencentKey } from './common/tencent/keyCheck';
import { TENCENT_SERVICES } from './common/tencent/services';

/**
 * Tencent Cloud API key (SecretId + SecretKey) for API 3.0 (TC3-HMAC-SHA256), the legacy
 * recording-file ASR API and flash recognition (both HMAC-SHA1). Every request of this credential is signed in
 * `authenticate` (see credentials/common/tencent/authenticate.ts).
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
			placeholder: 'e.g. AKIDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
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
			placeholder: 'e.g. 1250000000',
			description: "Your account's AppId (shown on the same API Keys page). Needed only by Flash Recognize (asr.cloud.tencent.com/asr/flash/v1/{appid}) and the legacy ASR API (aai.qcloud.com/asr/v1/{appid}).",
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'string',
			default: '',
			placeholder: 'e.g. ap-guangzhou',
			description: 'Optional X-TC-Region. The ASR and Contact Center APIs used here do not need one.',
		},
		{
			displayName: 'Custom Endpoint',
			name: 'endpoint',
			type: 'string',
			default: '',
			placeholder: 'e.g. http://127.0.0.1:9000',
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

	/** Checks the key with CAM GetUserAppId once and on every credential test: see {@link checkTencentKey}. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await checkTencentKey.call(this, credentials);
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
