import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError } from './errors';
import { renderSubtitles, SUBTITLE_FORMATS, type SubtitleFormat, type TimedText } from './subtitles';

/** Default Binary Output Field of the subtitle file. */
export const DEFAULT_SUBTITLE_FIELD = 'subtitles';

/**
 * The subtitle options of an operation's Options collection: Subtitles (None / SRT / WebVTT),
 * Max Characters per Cue, Include Speaker Labels and Binary Output Field. The writer is
 * nodes/common/subtitles.ts.
 */
export function subtitleOptions(): INodeProperties[] {
	return [
		{
			displayName: 'Subtitles',
			name: 'subtitles',
			type: 'options',
			options: [
				{ name: 'None', value: 'none' },
				{ name: 'SRT', value: 'srt', description: 'SubRip file (.srt, application/x-subrip)' },
				{ name: 'WebVTT', value: 'vtt', description: 'WebVTT file (.vtt, text/vtt), for HTML5 video' },
			],
			default: 'none',
			description: 'Whether to also output a subtitle file as binary data, one cue per recognised sentence, with cue times exact to the millisecond',
		},
		{
			displayName: 'Max Characters per Cue',
			name: 'maxCharsPerCue',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				'Split longer sentences into several cues, at punctuation or word boundaries, with times shared out by characters (or taken from word timings when there are any). About 20 suits Chinese, 42 Latin-script languages. 0 keeps one cue per recognised sentence. Only used with Subtitles.',
		},
		{
			displayName: 'Include Speaker Labels',
			name: 'speakerLabels',
			type: 'boolean',
			default: false,
			description:
				'Whether to start each cue with its speaker ("Speaker 0: …" in SRT, a voice tag in WebVTT), numbered as the service numbers them. Needs speaker diarization; only used with Subtitles.',
		},
		{
			displayName: 'Binary Output Field',
			name: 'subtitleBinaryField',
			type: 'string',
			default: DEFAULT_SUBTITLE_FIELD,
			description: 'Name of the output binary field that receives the subtitle file. Only used with Subtitles.',
		},
	];
}

/** What the user asked for, read by {@link readSubtitleRequest}. */
export interface SubtitleRequest {
	format: SubtitleFormat;
	maxChars: number;
	speakerLabels: boolean;
	binaryField: string;
}

/**
 * The subtitle choices in `options` (an operation's Options collection of item `itemIndex`), or
 * `undefined` when Subtitles is None or absent. Checked before any request.
 *
 * @throws NodeOperationError (item error) for an unknown format, a negative or fractional Max
 *   Characters per Cue, or an empty Binary Output Field.
 */
export function readSubtitleRequest(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject): SubtitleRequest | undefined {
	const format = String(options.subtitles ?? 'none');
	if (format === 'none') return undefined;
	const node = ctx.getNode();
	if (format !== 'srt' && format !== 'vtt') {
		throw inputError(node, `Subtitles must be None, SRT or WebVTT, not "${format}"`, undefined, itemIndex);
	}
	const maxChars = Number(options.maxCharsPerCue ?? 0);
	if (!Number.isInteger(maxChars) || maxChars < 0) {
		throw inputError(node, `Max Characters per Cue must be a whole number of at least 0, not ${String(options.maxCharsPerCue)}`, undefined, itemIndex);
	}
	const binaryField = String(options.subtitleBinaryField ?? DEFAULT_SUBTITLE_FIELD).trim();
	if (!binaryField) {
		throw inputError(node, 'Binary Output Field is empty', `Name the binary field for the subtitle file, e.g. "${DEFAULT_SUBTITLE_FIELD}".`, itemIndex);
	}
	return { format, maxChars, speakerLabels: options.speakerLabels === true, binaryField };
}

/**
 * The subtitle file name: `baseName` without its directory and its last extension, characters
 * that file systems refuse replaced by `_`, plus `.srt` / `.vtt` (`recording.mp3` →
 * `recording.srt`; `''` → `subtitles.srt`).
 */
export function subtitleFileName(baseName: string, format: SubtitleFormat): string {
	const last = baseName.split(/[\\/]/).pop() ?? '';
	const stem =
		[...last.replace(/\.[^.]*$/, '')]
			.map((char) => (char.charCodeAt(0) < 0x20 || '<>:"|?*'.includes(char) ? '_' : char))
			.join('')
			.trim() || 'subtitles';
	return `${stem}.${SUBTITLE_FORMATS[format].extension}`;
}

/**
 * Writes the subtitle file of `sentences` (nodes/common/subtitles.ts) and stores it as n8n binary
 * data with `prepareBinaryData` (docs/n8n.md#binary-data): UTF-8 text, MIME `application/x-subrip`
 * or `text/vtt`, file name from {@link subtitleFileName}.
 *
 * @returns `binary` (one field, the Binary Output Field) and `summary` for the JSON output:
 *   `{ format, fileName, binaryField, cues }` (cues = number of cues).
 */
export async function subtitleBinary(
	ctx: IExecuteFunctions,
	request: SubtitleRequest,
	sentences: readonly TimedText[],
	baseName: string,
): Promise<{ binary: IBinaryKeyData; summary: IDataObject }> {
	const { cues, content } = renderSubtitles(sentences, request.format, { maxChars: request.maxChars, speakerLabels: request.speakerLabels });
	const fileName = subtitleFileName(baseName, request.format);
	const data = await ctx.helpers.prepareBinaryData(Buffer.from(content, 'utf8'), fileName, SUBTITLE_FORMATS[request.format].mimeType);
	return {
		binary: { [request.binaryField]: data },
		summary: { format: request.format, fileName, binaryField: request.binaryField, cues: cues.length },
	};
}
