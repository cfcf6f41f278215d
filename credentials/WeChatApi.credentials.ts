import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import { fetchWeChatAccessToken, WECHAT_DEFAULT_BASE_URL } from './common/wechat/token';

/**
 * WeChat Official Account / Mini Program App ID + App Secret. The access_token is fetched by
 * `preAuthentication` into the hidden expirable `accessToken` field with its expiry stamp,
 * reused while valid; the WeChat node refreshes it before expiry and after errcode
 * 40001/40014/42001 (docs/wechat.md#access-token, docs/n8n.md#credentials-and-tokens).
 */
export class WeChatApi implements ICredentialType {
	name = 'weChatApi';

	displayName = 'WeChat API';

	icon = { light: 'file:../icons/wechat.svg', dark: 'file:../icons/wechat.dark.svg' } as const;

	documentationUrl = 'https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/getStableAccessToken.html';

	properties: INodeProperties[] = [
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. wx0123456789abcdef',
			description: 'On mp.weixin.qq.com: Settings and Development → Basic Configuration → AppID (Mini Programs: Development Management → Development Settings)',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'AppSecret from the same page. Add the IP address of your n8n server to the IP whitelist there too.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: WECHAT_DEFAULT_BASE_URL,
			description: 'WeChat API host. Alternatives: https://api2.weixin.qq.com, https://sh.api.weixin.qq.com, https://sz.api.weixin.qq.com, https://hk.api.weixin.qq.com.',
		},
		{
			displayName: 'Token Endpoint',
			name: 'grantEndpoint',
			type: 'options',
			options: [
				{
					name: 'Stable',
					value: 'stable',
					description: 'POST /cgi-bin/stable_token. Recommended: other systems using the same App ID cannot invalidate its tokens.',
				},
				{
					name: 'Classic',
					value: 'classic',
					description: 'GET /cgi-bin/token. Each call invalidates the token other systems hold for this App ID.',
				},
			],
			default: 'stable',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Expires At',
			name: 'expiresAt',
			type: 'hidden',
			default: 0,
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await fetchWeChatAccessToken.call(this, credentials);
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			qs: {
				access_token: '={{$credentials.accessToken}}',
			},
		},
	};

	/**
	 * Asks the token endpoint itself, so a wrong App ID or App Secret fails the test even when a
	 * token is stored (existing WeChat nodes invert this rule and pass bad secrets: docs/n8n.md#credentials-and-tokens).
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/cgi-bin/stable_token',
			method: 'POST',
			body: {
				grant_type: 'client_credential',
				appid: '={{$credentials.appId}}',
				secret: '={{$credentials.appSecret}}',
				force_refresh: false,
			},
			json: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: { key: 'errcode', value: 40125, message: 'WeChat error 40125: invalid appsecret. Check the App Secret.' },
			},
			{
				type: 'responseSuccessBody',
				properties: { key: 'errcode', value: 40013, message: 'WeChat error 40013: invalid appid. Check the App ID.' },
			},
			{
				type: 'responseSuccessBody',
				properties: { key: 'errcode', value: 40001, message: 'WeChat error 40001: invalid credential. Check the App Secret.' },
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'errcode',
					value: 40164,
					message: "WeChat error 40164: this server's IP address is not in the account's IP whitelist. Add it in the WeChat admin platform.",
				},
			},
			{
				type: 'responseSuccessBody',
				properties: { key: 'errcode', value: 45009, message: 'WeChat error 45009: the daily token quota of this App ID is used up.' },
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'access_token',
					value: undefined,
					message: 'The Base URL did not answer with a WeChat access_token. Check it (https://api.weixin.qq.com).',
				},
			},
		],
	};
}
