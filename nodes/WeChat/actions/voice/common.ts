import type { INodeProperties } from 'n8n-workflow';

/** `lang` options of both voice APIs (seeds 000/001). */
export const languageProperty: INodeProperties = {
	displayName: 'Language',
	name: 'language',
	type: 'options',
	options: [
		{ name: 'Chinese (zh_CN)', value: 'zh_CN' },
		{ name: 'English (en_US)', value: 'en_US' },
	],
	default: 'zh_CN',
	description: 'Language spoken in the audio (WeChat `lang`)',
};

/** The binary input field, n8n's usual name and default. */
export const binaryPropertyNameProperty: INodeProperties = {
	displayName: 'Input Binary Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	required: true,
	hint: 'The name of the input binary field holding the mp3',
	description: 'Binary property with the audio: mp3, 16 kHz, mono (WeChat rejects anything else with an empty result)',
};
