import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Coze personal access token (or OAuth service token), sent as `Authorization: Bearer …`
 * (docs/coze.md#transcriptions). The same API paths work on the China and international hosts.
 */
export class CozeApi implements ICredentialType {
	name = 'cozeApi';

	displayName = 'Coze API';

	icon = { light: 'file:../icons/coze.svg', dark: 'file:../icons/coze.dark.svg' } as const;

	documentationUrl = 'https://www.coze.cn/open/docs/developer_guides/pat';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'e.g. pat_xxxxxxxxxxxxxxxx',
			description: 'A personal access token (starts with pat_) from coze.cn → API → Personal Access Tokens, with the createTranscription permission',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'options',
			options: [
				{ name: 'China (api.coze.cn)', value: 'https://api.coze.cn' },
				{ name: 'Global (api.coze.com)', value: 'https://api.coze.com' },
				{ name: 'Custom', value: 'custom' },
			],
			default: 'https://api.coze.cn',
			description: 'coze.cn accounts use the China host, coze.com accounts the international one',
		},
		{
			displayName: 'Custom Base URL',
			name: 'customBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://coze-gateway.example.com',
			displayOptions: { show: { baseUrl: ['custom'] } },
			description: 'Base URL of a gateway or proxy that serves the Coze API paths',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
			},
		},
	};

	/**
	 * Calls the transcription endpoint itself without audio: Coze checks the token and its
	 * createTranscription permission first, so a good token gets code 4000 ("missing file", the
	 * test passes), a bad one 4100 and one without the permission 4101 (docs/coze.md#errors:
	 * with HTTP 200 or the matching status, so the body is read whatever the status). An answer
	 * without a Coze `code` (a wrong Base URL) fails too. Nothing is transcribed or billed.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl === "custom" ? $credentials.customBaseUrl : $credentials.baseUrl}}',
			url: '/v1/audio/transcriptions',
			method: 'POST',
			json: true,
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 4100,
					message: 'Coze error 4100: the access token is invalid or expired. Create a new personal access token.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 4101,
					message: 'Coze error 4101: the token lacks the createTranscription permission. Edit the token and enable it.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: undefined,
					message: 'The Base URL did not answer like the Coze API. Check it (https://api.coze.cn or https://api.coze.com).',
				},
			},
		],
	};
}
