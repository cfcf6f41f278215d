import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { checkAudio, type AudioRules } from '../../../common/audio/gate';
import { audioInputProperties, readAudioInput } from '../../../common/audio/input';
import { concurrencyOption, type OperationContext } from '../../../common/router';
import { COZE_CREDENTIAL, cozeBaseUrl, cozeTranscribe } from '../../transport';

/** Coze's limits (docs/coze.md#transcriptions): 10 MB and under 30 minutes. */
export const COZE_MAX_BYTES = 10 * 1024 * 1024;
export const COZE_MAX_SECONDS = 30 * 60;

/**
 * Items in flight at once by default. Coze publishes no per-second limit for transcriptions and
 * answers a rate limit with code 4013 / HTTP 429, which the node waits out and retries
 * (docs/coze.md#errors); 10 uploads in flight keep a folder of recordings about as fast as n8n's
 * HTTP Request node sending them all at once.
 */
export const defaultConcurrency = 10;

/**
 * Coze's audio rules (docs/coze.md#transcriptions): the large-model formats, headerless PCM by
 * name, at most 10 MB and under 30 minutes.
 */
export const COZE_AUDIO_RULES: AudioRules = {
	service: 'Coze',
	formats: ['opus', 'ogg', 'mp3', 'wav', 'm4a', 'mp4', 'spx', 'aac', 'amr'],
	headerless: ['pcm', 'raw'],
	maxBytes: COZE_MAX_BYTES,
	tooLargeHint: 'Compress it (e.g. `ffmpeg -i input -ac 1 -b:a 32k output.mp3`) or cut it into shorter parts.',
	maxSeconds: COZE_MAX_SECONDS,
	maxSecondsExclusive: true,
	tooLongHint: 'Cut it into shorter parts (e.g. `ffmpeg -i input -f segment -segment_time 1500 -c copy part%03d.mp3`).',
	convertHint: 'Convert the file, e.g. `ffmpeg -i input output.mp3`.',
};

/** The Content-Type of the file part per format. */
const MIME_TYPES: Record<string, string> = {
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	ogg: 'audio/ogg',
	opus: 'audio/ogg',
	spx: 'audio/ogg',
	m4a: 'audio/mp4',
	mp4: 'video/mp4',
	aac: 'audio/aac',
	amr: 'audio/amr',
	pcm: 'application/octet-stream',
	raw: 'application/octet-stream',
};

const properties: INodeProperties[] = [
	...audioInputProperties({
		binaryChoice: 'Audio in a binary property of the input item',
		urlChoice: 'A public URL of the audio file (works when the node is an AI-agent tool)',
		binaryField: 'Binary property with the audio: opus, ogg, mp3, wav, m4a, mp4, pcm, raw, spx, aac or amr; at most 10 MB and under 30 minutes',
		urlField: 'Public http(s) URL of the audio file; n8n downloads it and uploads it to Coze',
		urlPlaceholder: 'e.g. https://example.com/recording.mp3',
	}),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. call.pcm',
				description: 'File name sent to Coze. Its extension tells Coze the format of headerless pcm/raw audio.',
			},
			concurrencyOption(defaultConcurrency),
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['audio'], operation: ['transcribe'] } }, properties);

/**
 * Transcribe (`POST /v1/audio/transcriptions`, docs/coze.md#transcriptions) from a binary property
 * or an audio URL. Before uploading, the audio passes {@link COZE_AUDIO_RULES} (size, format
 * recognised from the bytes, duration from mp3 frames or the WAV header).
 *
 * Output: `{ text, logId, fileName, format, bytes, durationSeconds? }`.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: OperationContext): Promise<IDataObject> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const node = this.getNode();
	const session = await run.credentials(COZE_CREDENTIAL);
	// a broken Base URL is reported before any audio is downloaded
	cozeBaseUrl(node, session.data, itemIndex);
	const source = await readAudioInput(this, itemIndex, { mode: 'download', maxBytes: COZE_MAX_BYTES, tooLargeHint: COZE_AUDIO_RULES.tooLargeHint });
	const overrideName = String(options.fileName ?? '').trim();
	const overrideExtension = /\.([A-Za-z0-9]+)$/.exec(overrideName)?.[1]?.toLowerCase();
	const audio = checkAudio(node, itemIndex, {
		...source,
		fileName: overrideName || source.fileName,
		fileExtension: overrideExtension ?? source.fileExtension,
	}, COZE_AUDIO_RULES);
	const baseName = (overrideName || audio.fileName || 'audio').replace(/\.[A-Za-z0-9]+$/, '') || 'audio';
	const fileName = `${baseName}.${audio.format}`;
	const result = await cozeTranscribe(session, {
		data: audio.data,
		fileName,
		contentType: MIME_TYPES[audio.format] ?? 'application/octet-stream',
		itemIndex,
	});
	const output: IDataObject = { text: result.text, logId: result.logId, fileName, format: audio.format, bytes: audio.data.length };
	if (audio.durationSeconds !== undefined) output.durationSeconds = Math.round(audio.durationSeconds * 1000) / 1000;
	return output;
}
