import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { declaredAudioFormat, sniffAudioFormat } from '../../../shared/audioFormat';
import { audioInputProperties, inspectMp3Input, readInputAudio } from '../../../shared/audioInput';
import { formatBytes, inputError } from '../../../shared/errors';
import { cozeBaseUrl, cozeTranscribe } from '../../transport';

/** Coze's limits (seed 003 "文件大小"; vendor notes §2): 10 MB and under 30 minutes. */
export const COZE_MAX_BYTES = 10 * 1024 * 1024;
export const COZE_MAX_SECONDS = 30 * 60;

/** Formats of Coze's large-model recognition (seed 003 "文件格式"). */
export const COZE_FORMATS = ['opus', 'ogg', 'mp3', 'wav', 'm4a', 'mp4', 'pcm', 'raw', 'spx', 'aac', 'amr'];

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
		binaryFieldHint: 'The name of the input binary field holding the audio',
		urlField: 'Public http(s) URL of the audio file; n8n downloads it and uploads it to Coze',
		urlPlaceholder: 'https://example.com/recording.mp3',
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
				placeholder: 'call.mp3',
				description: 'File name sent to Coze. Its extension tells Coze the format of headerless pcm/raw audio.',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['audio'], operation: ['transcribe'] } }, properties);

/**
 * Transcribe (`POST /v1/audio/transcriptions`, seed 003) from a binary property or an audio URL.
 * Before uploading: size ≤ 10 MB, a format Coze accepts (sniffed from the bytes, not just the
 * name), and for mp3 a duration under 30 minutes from the frame headers.
 *
 * Output: `{ text, logId, fileName, format, bytes, durationSeconds? }`.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const node = this.getNode();
	// a broken Base URL is reported before any audio is downloaded
	const credentials = await this.getCredentials('cozeApi');
	const baseUrl = cozeBaseUrl(node, credentials, itemIndex);
	const audio = await readInputAudio(this, itemIndex, COZE_MAX_BYTES);

	if (audio.data.length === 0) {
		throw inputError(node, 'The audio file is empty (0 bytes)', 'Check the node that produced the binary data or the audio URL.', itemIndex);
	}
	if (audio.data.length > COZE_MAX_BYTES) {
		throw inputError(
			node,
			`The audio is ${formatBytes(audio.data.length)}, over Coze's 10 MB limit`,
			'Compress it (e.g. `ffmpeg -i input -ac 1 -b:a 32k output.mp3`) or cut it into shorter parts.',
			itemIndex,
		);
	}
	const overrideName = String(options.fileName ?? '').trim();
	const nameExtension = /\.([A-Za-z0-9]+)$/.exec(overrideName)?.[1]?.toLowerCase() ?? '';
	const declared = declaredAudioFormat(nameExtension || audio.fileExtension, audio.mimeType);
	const sniffed = sniffAudioFormat(audio.data);
	const supported = COZE_FORMATS.join(', ');
	let format: string;
	if (sniffed) {
		if (!COZE_FORMATS.includes(sniffed)) {
			throw inputError(node, `Coze does not accept ${sniffed.toUpperCase()} audio`, `Supported formats: ${supported}. Convert the file, e.g. \`ffmpeg -i input output.mp3\`.`, itemIndex);
		}
		format = sniffed;
	} else if (declared === 'pcm' || declared === 'raw') {
		format = declared;
	} else {
		throw inputError(
			node,
			declared && COZE_FORMATS.includes(declared)
				? `The file claims to be ${declared} but does not contain ${declared} audio`
				: `Unsupported audio format${declared ? ` "${declared}"` : ''}: the content is not audio Coze accepts`,
			`Supported formats: ${supported}. Headerless PCM must be named *.pcm or *.raw (option File Name).`,
			itemIndex,
		);
	}
	let durationSeconds: number | undefined;
	if (format === 'mp3') {
		const info = inspectMp3Input(node, audio.data, itemIndex, 'The file is not a valid mp3', 'Convert it, e.g. `ffmpeg -i input output.mp3`.');
		durationSeconds = info.durationSeconds;
		if (durationSeconds >= COZE_MAX_SECONDS) {
			throw inputError(
				node,
				`The audio lasts ${(durationSeconds / 60).toFixed(1)} minutes; Coze transcribes recordings under 30 minutes`,
				'Cut it into shorter parts (e.g. `ffmpeg -i input -f segment -segment_time 1500 -c copy part%03d.mp3`).',
				itemIndex,
			);
		}
	}
	const baseName = (overrideName || audio.fileName || 'audio').replace(/\.[A-Za-z0-9]+$/, '') || 'audio';
	const fileName = `${baseName}.${format}`;
	const result = await cozeTranscribe.call(this, {
		baseUrl,
		accessToken: String(credentials.accessToken ?? ''),
		data: audio.data,
		fileName,
		contentType: MIME_TYPES[format] ?? 'application/octet-stream',
		itemIndex,
	});
	const output: IDataObject = { text: result.text, logId: result.logId, fileName, format, bytes: audio.data.length };
	if (durationSeconds !== undefined) output.durationSeconds = Math.round(durationSeconds * 1000) / 1000;
	return output;
}
