import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Coze personal access token (or OAuth service token), sent as `Authorization: Bearer …`
 * (vendor notes §2). The same API paths work on the China and global hosts.
 */
export class CozeApi implements ICredentialType {
	name = 'cozeApi';

	displayName = 'Coze API';

	icon = 'file:coze.svg' as const;

	documentationUrl = 'https://www.coze.cn/open/docs/developer_guides/pat';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'pat_…',
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
			description: 'coze.cn accounts use the China host, coze.com accounts the global one',
		},
		{
			displayName: 'Custom Base URL',
			name: 'customBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://coze-gateway.example.com',
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

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl === "custom" ? $credentials.customBaseUrl : $credentials.baseUrl}}',
			url: '/v1/workspaces',
			qs: { page_num: 1, page_size: 1 },
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Coze error 4100: the access token is invalid or expired. Create a new personal access token.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'Coze error 4101: the token lacks a required permission. Edit the token and enable its permissions.',
				},
			},
		],
	};
}
