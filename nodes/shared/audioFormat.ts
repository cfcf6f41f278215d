/**
 * Audio container formats recognised from the first bytes of a file. `pcm`/`raw` have no
 * signature and are only known from a file name.
 */
export type AudioFormat =
	| 'mp3'
	| 'wav'
	| 'ogg'
	| 'opus'
	| 'spx'
	| 'flac'
	| 'm4a'
	| 'mp4'
	| 'aac'
	| 'amr'
	| 'flv'
	| 'wma'
	| '3gp'
	| 'webm';

function ascii(data: Uint8Array, start: number, length: number): string {
	let text = '';
	for (let i = start; i < start + length && i < data.length; i++) text += String.fromCharCode(data[i]);
	return text;
}

/**
 * Recognises the container of `data` from its magic bytes: ID3/MPEG frame sync (mp3), RIFF/WAVE,
 * OggS (with OpusHead → opus, Speex → spx), fLaC, ftyp boxes (M4A brands → m4a, 3gp brands → 3gp,
 * else mp4), ADTS (aac), #!AMR, FLV, ASF (wma), EBML (webm). Returns `undefined` when nothing
 * matches (text, pcm, unknown).
 */
export function sniffAudioFormat(data: Uint8Array): AudioFormat | undefined {
	if (data.length < 4) return undefined;
	if (ascii(data, 0, 3) === 'ID3') return 'mp3';
	if (ascii(data, 0, 4) === 'RIFF' && ascii(data, 8, 4) === 'WAVE') return 'wav';
	if (ascii(data, 0, 4) === 'OggS') {
		const head = ascii(data, 28, 8);
		if (head.startsWith('OpusHead')) return 'opus';
		if (head.startsWith('Speex')) return 'spx';
		return 'ogg';
	}
	if (ascii(data, 0, 4) === 'fLaC') return 'flac';
	if (ascii(data, 4, 4) === 'ftyp') {
		const brand = ascii(data, 8, 4);
		if (brand.startsWith('M4A') || brand.startsWith('M4B')) return 'm4a';
		if (brand.startsWith('3gp') || brand.startsWith('3g2')) return '3gp';
		return 'mp4';
	}
	if (ascii(data, 0, 5) === '#!AMR') return 'amr';
	if (ascii(data, 0, 3) === 'FLV') return 'flv';
	if (data[0] === 0x30 && data[1] === 0x26 && data[2] === 0xb2 && data[3] === 0x75) return 'wma';
	if (data[0] === 0x1a && data[1] === 0x45 && data[2] === 0xdf && data[3] === 0xa3) return 'webm';
	if (data[0] === 0xff && (data[1] & 0xf6) === 0xf0) return 'aac';
	if (data[0] === 0xff && (data[1] & 0xe0) === 0xe0 && (data[1] & 0x06) !== 0) return 'mp3';
	return undefined;
}

const MIME_TO_FORMAT: Record<string, AudioFormat> = {
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/wav': 'wav',
	'audio/x-wav': 'wav',
	'audio/wave': 'wav',
	'audio/ogg': 'ogg',
	'audio/opus': 'opus',
	'audio/flac': 'flac',
	'audio/mp4': 'm4a',
	'audio/x-m4a': 'm4a',
	'video/mp4': 'mp4',
	'audio/aac': 'aac',
	'audio/amr': 'amr',
};

/**
 * The format a file claims by extension or MIME type (lower-case extension without the dot,
 * e.g. `mp3`, `pcm`), or `undefined` when it claims none.
 */
export function declaredAudioFormat(fileExtension: string, mimeType: string): string | undefined {
	if (fileExtension) return fileExtension.toLowerCase().replace(/^\./, '');
	return MIME_TO_FORMAT[mimeType.toLowerCase().split(';')[0].trim()];
}
