import type { IDataObject, IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';

import { inputError } from '../../../common/errors';
import { resourceLocatorProperty, resourceLocatorValue } from '../../../common/resourceLocator';
import { readTencentAudio, REC_TASK_AUDIO, type TencentAudio } from './audio';

/**
 * What a hotword list or model ID may look like in the By ID mode: Tencent documents no format
 * (the SDK models type them as strings); the official examples are 32 hex digits
 * (https://github.com/TencentCloud/tencentcloud-cli/blob/master/tccli/examples/asr/v20190614/GetAsrVocabList.md),
 * so letters, digits, `-` and `_` are accepted and Tencent judges the rest.
 */
export const TENCENT_RESOURCE_ID_REGEX = '\\s*[0-9A-Za-z_-]+\\s*';

/** The same check for values read at run time (expressions included). */
const RESOURCE_ID = /^[0-9A-Za-z_-]+$/;

/**
 * CreateRecTask engine models (EngineModelType), from the official SDK models of ASR 2019-06-14
 * (docs/tencent-cloud-api.md#asr-createrectask lists the documented values). 8k engines are for telephone audio; "large model" engines are billed differently.
 */
export const ENGINE_MODEL_TYPES: INodeProperties['options'] = [
	{ name: 'Arabic (16k_ar)', value: '16k_ar' },
	{ name: 'Cantonese (16k_yue)', value: '16k_yue' },
	{ name: 'Chinese Dialects and Mandarin (16k_zh_dialect)', value: '16k_zh_dialect', description: 'Mandarin plus 23 Chinese dialects' },
	{ name: 'Chinese Mandarin (16k_zh)', value: '16k_zh', description: 'General Mandarin Chinese with some English; for everything but telephone audio' },
	{ name: 'Chinese Mandarin, Cantonese and English (16k_zh-PY)', value: '16k_zh-PY' },
	{ name: 'Chinese Medical (16k_zh_medical)', value: '16k_zh_medical' },
	{ name: 'Chinese Telephone (8k_zh)', value: '8k_zh', description: '8 kHz telephone audio in Chinese' },
	{ name: 'Chinese Telephone, Large Model (8k_zh_large)', value: '8k_zh_large', description: '8 kHz telephone audio in Chinese and its dialects (large-model pricing)' },
	{ name: 'Chinese, English and Dialects, Large Model (16k_zh_large)', value: '16k_zh_large', description: 'Large-model pricing' },
	{ name: 'Chinese, English, Cantonese and Dialects, Large Model (16k_zh_en)', value: '16k_zh_en', description: 'Large-model pricing' },
	{ name: 'English (16k_en)', value: '16k_en' },
	{ name: 'English Telephone (8k_en)', value: '8k_en', description: '8 kHz telephone audio in English' },
	{ name: 'Filipino (16k_fil)', value: '16k_fil' },
	{ name: 'French (16k_fr)', value: '16k_fr' },
	{ name: 'German (16k_de)', value: '16k_de' },
	{ name: 'Hindi (16k_hi)', value: '16k_hi' },
	{ name: 'Indonesian (16k_id)', value: '16k_id' },
	{ name: 'Japanese (16k_ja)', value: '16k_ja' },
	{ name: 'Korean (16k_ko)', value: '16k_ko' },
	{ name: 'Malay (16k_ms)', value: '16k_ms' },
	{ name: 'Multilingual, Large Model (16k_multi_lang)', value: '16k_multi_lang', description: '15 languages, recognised automatically (large-model pricing)' },
	{ name: 'Portuguese (16k_pt)', value: '16k_pt' },
	{ name: 'Spanish (16k_es)', value: '16k_es' },
	{ name: 'Thai (16k_th)', value: '16k_th' },
	{ name: 'Traditional Chinese (16k_zh-TW)', value: '16k_zh-TW' },
	{ name: 'Turkish (16k_tr)', value: '16k_tr' },
	{ name: 'Vietnamese (16k_vi)', value: '16k_vi' },
];

/**
 * Customization ID (`CustomizationId` / `customization_id`): a picker of the account's
 * self-learning models (GetCustomizationList, docs/tencent-cloud-api.md#asr-getcustomizationlist)
 * or an ID. Shared by Create Task, Transcribe, Flash Recognize and Recognize Sentence.
 */
export const customizationIdProperty: INodeProperties = resourceLocatorProperty({
		displayName: 'Customization ID',
		name: 'customizationId',
		description: 'Self-learning custom model to recognise with (CustomizationId); only online models whose type (8k or 16k) matches the engine take effect',
		searchListMethod: 'searchCustomizations',
		listPlaceholder: 'Select a custom model...',
		idPlaceholder: 'e.g. a07acb16e60311ea9a76b49691037310',
		idRegex: TENCENT_RESOURCE_ID_REGEX,
		idErrorMessage: 'A model ID is letters and digits, e.g. a07acb16e60311ea9a76b49691037310',
	});

/**
 * Hotword ID (`HotwordId` / `hotword_id`): a picker of the account's hotword lists
 * (GetAsrVocabList, docs/tencent-cloud-api.md#asr-getasrvocablist) or an ID. Shared as
 * {@link customizationIdProperty}.
 */
export const hotwordIdProperty: INodeProperties = resourceLocatorProperty({
		displayName: 'Hotword ID',
		name: 'hotwordId',
		description: 'Hotword list made on the Tencent Cloud website (HotwordId). Without it the list marked as default applies.',
		searchListMethod: 'searchHotwordLists',
		listPlaceholder: 'Select a hotword list...',
		idPlaceholder: 'e.g. e92bd0d632d211eab508446a2eb5fd98',
		idRegex: TENCENT_RESOURCE_ID_REGEX,
		idErrorMessage: 'A hotword list ID is letters and digits, e.g. e92bd0d632d211eab508446a2eb5fd98',
	});

/**
 * The ID of a Hotword ID / Customization ID field: a resource locator (`{ __rl, mode, value }`)
 * or, in workflows saved before the pickers, a plain string. `undefined` when empty.
 *
 * @throws NodeOperationError (item error) for anything but letters, digits, `_` and `-`.
 */
export function readResourceId(node: INode, raw: unknown, label: string, itemIndex: number): string | undefined {
	const value = String(resourceLocatorValue(raw) ?? '').trim();
	if (!value) return undefined;
	if (!RESOURCE_ID.test(value)) {
		throw inputError(
			node,
			`"${value.slice(0, 80)}" is not a valid ${label}`,
			`Choose it from the list, or enter the ID shown on the Tencent Cloud website (letters and digits, e.g. e92bd0d632d211eab508446a2eb5fd98).`,
			itemIndex,
		);
	}
	return value;
}

/** Engine Model Type, Channel Count, Result Format and Additional Fields of CreateRecTask. */
export const recTaskProperties: INodeProperties[] = [
	{
		displayName: 'Engine Model Type',
		name: 'engineModelType',
		type: 'options',
		options: ENGINE_MODEL_TYPES,
		default: '16k_zh',
		description: 'Recognition engine (EngineModelType). Use an 8k engine for telephone recordings and a 16k engine for everything else.',
	},
	{
		displayName: 'Channel Count',
		name: 'channelNum',
		type: 'options',
		options: [
			{ name: 'One Channel (1)', value: 1, description: 'Mono; the only choice for 16k engines' },
			{ name: 'Two Channels (2)', value: 2, description: 'Two-channel telephone audio, one speaker per channel; 8k engines only' },
		],
		default: 1,
		description: 'Channels to recognise (ChannelNum)',
	},
	{
		displayName: 'Result Format',
		name: 'resTextFormat',
		type: 'options',
		options: [
			{ name: 'Basic (0)', value: 0, description: 'Sentences with timestamps; no word-level details' },
			{ name: 'Words, No Punctuation (1)', value: 1, description: 'Adds word-level details (word timestamps, speech rate) without punctuation' },
			{ name: 'Words With Punctuation (2)', value: 2, description: 'Adds word-level details with punctuation' },
			{ name: 'Subtitles (3)', value: 3, description: 'Word-level details with punctuation, sentences split at punctuation marks' },
			{ name: 'Semantic Paragraphs (4)', value: 4, description: 'Paid add-on: split into paragraphs by meaning, for meetings and hearings (8k_zh and 16k_zh only)' },
			{ name: 'Written Style (5)', value: 5, description: 'Paid add-on: also turns speech into written text without filler words (8k_zh and 16k_zh only)' },
		],
		default: 0,
		description: 'Shape of the result (ResTextFormat). Formats 1 to 5 fill Result Detail.',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Convert Numbers',
				name: 'convertNumMode',
				type: 'options',
				options: [
					{ name: 'Chinese Numerals (0)', value: 0, description: 'Keep numbers as Chinese characters' },
					{ name: 'Smart Arabic Numerals (1)', value: 1, description: 'Write numbers as digits where it fits' },
					{ name: 'Mathematical (3)', value: 3, description: 'Also convert mathematical terms, e.g. alpha to α' },
				],
				default: 1,
				description: 'How numbers are written (ConvertNumMode; Mandarin engines)',
			},
			customizationIdProperty,
			{
				displayName: 'Emotional Energy',
				name: 'emotionalEnergy',
				type: 'boolean',
				default: false,
				description: 'Whether to add an emotional energy value (volume, 1 to 10) to each sentence (EmotionalEnergy)',
			},
			{
				displayName: 'Filter Dirty Words',
				name: 'filterDirty',
				type: 'options',
				options: [
					{ name: 'Keep (0)', value: 0 },
					{ name: 'Remove (1)', value: 1 },
					{ name: 'Replace With Asterisks (2)', value: 2 },
				],
				default: 0,
				description: 'What to do with profanity (FilterDirty; Mandarin engines)',
			},
			{
				displayName: 'Filter Modal Particles',
				name: 'filterModal',
				type: 'options',
				options: [
					{ name: 'Keep (0)', value: 0 },
					{ name: 'Remove Some (1)', value: 1 },
					{ name: 'Remove Strictly (2)', value: 2 },
				],
				default: 0,
				description: 'Which filler words such as 嗯 and 啊 to drop (FilterModal; Mandarin engines)',
			},
			{
				displayName: 'Filter Punctuation',
				name: 'filterPunc',
				type: 'options',
				options: [
					{ name: 'Keep (0)', value: 0 },
					{ name: 'Remove Sentence-Final (1)', value: 1 },
					{ name: 'Remove All (2)', value: 2 },
				],
				default: 0,
				description: 'Which punctuation to drop (FilterPunc; Mandarin engines)',
			},
			hotwordIdProperty,
			{
				displayName: 'Hotword List',
				name: 'hotwordList',
				type: 'string',
				default: '',
				placeholder: 'e.g. 腾讯云|10,语音识别|5',
				description: 'Temporary hotwords for this task as "word|weight" separated by commas, weight 1 to 11 or 100 (HotwordList). Overrides Hotword ID.',
			},
			{
				displayName: 'Replace Text ID',
				name: 'replaceTextId',
				type: 'string',
				default: '',
				description: 'ID of a replacement vocabulary that rewrites the result (ReplaceTextId)',
			},
			{
				displayName: 'Sentence Max Length',
				name: 'sentenceMaxLength',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 40 },
				default: 0,
				description: 'Most characters per sentence for subtitles, 6 to 40; 0 turns it off (SentenceMaxLength; needs Result Format 3)',
			},
			{
				displayName: 'Speaker Diarization',
				name: 'speakerDiarization',
				type: 'boolean',
				default: false,
				description: 'Whether to tell speakers apart in one-channel audio (SpeakerDiarization; 8k_zh, 8k_zh_large, 16k_zh, 16k_zh_large, 16k_zh_en, 16k_zh_dialect, 16k_en, 16k_ms, 16k_id)',
			},
			{
				displayName: 'Speaker Number',
				name: 'speakerNumber',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 0,
				description: 'How many speakers to separate, 1 to 10; 0 finds out automatically (SpeakerNumber; only with Speaker Diarization)',
			},
		],
	},
];

/** Engines that accept Channel Count 2: the 8 kHz telephone engines (docs/tencent-cloud-api.md#asr-createrectask). */
export function supportsTwoChannels(engineModelType: string): boolean {
	return engineModelType.startsWith('8k_');
}

function integerField(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	label: string,
	allowed: (n: number) => boolean,
	rule: string,
): number {
	const number = typeof value === 'string' ? Number(value.trim()) : Number(value);
	if (!Number.isInteger(number) || !allowed(number)) {
		throw inputError(ctx.getNode(), `${label} must be ${rule}, not ${String(value)}`, undefined, itemIndex);
	}
	return number;
}

/**
 * Builds the CreateRecTask parameters of one item (docs/tencent-cloud-api.md#asr-createrectask) and reads its audio
 * ({@link readTencentAudio}): `EngineModelType`, `ChannelNum` (2 only for 8k engines), `ResTextFormat`
 * (0–5), `SourceType` 0 with `Url` or 1 with base64 `Data` and `DataLen` (raw bytes), the
 * Additional Fields under their vendor names, and `CallbackUrl` when given. Everything is checked
 * here, before any request.
 *
 * @param callbackUrl an already checked callback URL, or undefined.
 * @throws NodeOperationError (item error) for invalid input.
 */
export async function buildRecTaskRequest(
	ctx: IExecuteFunctions,
	itemIndex: number,
	callbackUrl: string | undefined,
): Promise<{ params: IDataObject; audio: TencentAudio }> {
	const node = ctx.getNode();
	const engine = String(ctx.getNodeParameter('engineModelType', itemIndex) ?? '').trim();
	if (!engine) throw inputError(node, 'Engine Model Type is empty', 'Choose a recognition engine, e.g. 16k_zh.', itemIndex);
	const channelNum = integerField(ctx, itemIndex, ctx.getNodeParameter('channelNum', itemIndex), 'Channel Count', (n) => n === 1 || n === 2, '1 or 2');
	if (channelNum === 2 && !supportsTwoChannels(engine)) {
		throw inputError(
			node,
			`Channel Count 2 is only available with 8k telephone engines, not ${engine}`,
			'Set Channel Count to 1, or choose an 8k engine (8k_zh, 8k_en, 8k_zh_large) for two-channel telephone recordings.',
			itemIndex,
		);
	}
	const resTextFormat = integerField(ctx, itemIndex, ctx.getNodeParameter('resTextFormat', itemIndex), 'Result Format', (n) => n >= 0 && n <= 5, 'a whole number from 0 to 5');
	const additional = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;

	const params: IDataObject = { EngineModelType: engine, ChannelNum: channelNum, ResTextFormat: resTextFormat };
	if (additional.speakerDiarization === true) {
		params.SpeakerDiarization = 1;
		if (additional.speakerNumber !== undefined) {
			params.SpeakerNumber = integerField(ctx, itemIndex, additional.speakerNumber, 'Speaker Number', (n) => n >= 0 && n <= 10, 'a whole number from 0 to 10');
		}
	} else if (additional.speakerNumber !== undefined && Number(additional.speakerNumber) !== 0) {
		throw inputError(node, 'Speaker Number needs Speaker Diarization', 'Turn Speaker Diarization on, or remove Speaker Number.', itemIndex);
	}
	const choices: Array<[string, string, string, number[]]> = [
		['convertNumMode', 'ConvertNumMode', 'Convert Numbers', [0, 1, 3]],
		['filterDirty', 'FilterDirty', 'Filter Dirty Words', [0, 1, 2]],
		['filterModal', 'FilterModal', 'Filter Modal Particles', [0, 1, 2]],
		['filterPunc', 'FilterPunc', 'Filter Punctuation', [0, 1, 2]],
	];
	for (const [field, vendorName, label, allowed] of choices) {
		if (additional[field] === undefined) continue;
		params[vendorName] = integerField(ctx, itemIndex, additional[field], label, (n) => allowed.includes(n), `one of ${allowed.join(', ')}`);
	}
	if (additional.sentenceMaxLength !== undefined) {
		params.SentenceMaxLength = integerField(
			ctx,
			itemIndex,
			additional.sentenceMaxLength,
			'Sentence Max Length',
			(n) => n === 0 || (n >= 6 && n <= 40),
			'0 or a whole number from 6 to 40',
		);
	}
	if (additional.emotionalEnergy === true) params.EmotionalEnergy = 1;
	const hotwordId = readResourceId(node, additional.hotwordId, 'Hotword ID', itemIndex);
	if (hotwordId) params.HotwordId = hotwordId;
	const customizationId = readResourceId(node, additional.customizationId, 'Customization ID', itemIndex);
	if (customizationId) params.CustomizationId = customizationId;
	for (const [field, vendorName] of [
		['hotwordList', 'HotwordList'],
		['replaceTextId', 'ReplaceTextId'],
	] as const) {
		const value = String(additional[field] ?? '').trim();
		if (value) params[vendorName] = value;
	}
	if (callbackUrl) params.CallbackUrl = callbackUrl;

	const audio = await readTencentAudio(ctx, itemIndex, REC_TASK_AUDIO, channelNum);
	if (audio.kind === 'url') {
		params.SourceType = 0;
		params.Url = audio.url;
	} else {
		params.SourceType = 1;
		params.Data = audio.data.toString('base64');
		params.DataLen = audio.data.length;
	}
	return { params, audio };
}
