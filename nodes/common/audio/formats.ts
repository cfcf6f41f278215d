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
	| 'webm'
	| 'silk';

/** How messages name each format (docs/audio.md#container-signatures). */
export const AUDIO_FORMAT_NAMES: Readonly<Record<string, string>> = {
	mp3: 'mp3',
	wav: 'WAV',
	ogg: 'Ogg Vorbis',
	opus: 'Ogg Opus',
	spx: 'Speex',
	flac: 'FLAC',
	m4a: 'M4A',
	mp4: 'MP4',
	aac: 'AAC',
	amr: 'AMR',
	flv: 'FLV',
	wma: 'WMA',
	'3gp': '3GP',
	webm: 'WebM',
	silk: 'SILK',
	pcm: 'PCM',
	raw: 'raw PCM',
};

function ascii(data: Uint8Array, start: number, length: number): string {
	let text = '';
	for (let i = start; i < start + length && i < data.length; i++) text += String.fromCharCode(data[i]);
	return text;
}

/**
 * Recognises the container of `data` from its magic bytes: ID3/MPEG frame sync (mp3), RIFF/WAVE,
 * OggS (with OpusHead → opus, Speex → spx), fLaC, ftyp boxes (M4A brands → m4a, 3gp brands → 3gp,
 * else mp4), ADTS (aac), #!AMR, #!SILK, FLV, ASF (wma), EBML (webm); docs/audio.md#container-signatures. Returns `undefined` when nothing
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
	// SILK (WeChat / Skype voice): "#!SILK", in WeChat's files after one 0x02 byte
	if (ascii(data, 0, 6) === '#!SILK' || ascii(data, 1, 6) === '#!SILK') return 'silk';
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

/** The format facts of a WAV (RIFF/WAVE) file that the vendors' limits need. */
export interface WavInfo {
	/** Sample rate in Hz. */
	sampleRate: number;
	/** Number of channels. */
	channels: number;
	/** Bits per sample (16 for the PCM the vendors want). */
	bitsPerSample: number;
	/** Length in seconds: the `data` chunk's size (clipped to the file) / the byte rate. */
	durationSeconds: number;
}

/**
 * Reads the `fmt ` and `data` chunks of a RIFF/WAVE file (docs/audio.md#container-signatures),
 * walking the chunk list. Returns `undefined` when the file is not WAVE, a chunk is missing or the
 * byte rate is 0. A `data` size larger than the file (a stream written before its length was
 * known) is clipped to the bytes present.
 */
export function readWavInfo(data: Uint8Array): WavInfo | undefined {
	if (data.length < 12 || ascii(data, 0, 4) !== 'RIFF' || ascii(data, 8, 4) !== 'WAVE') return undefined;
	const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
	let fmt: { channels: number; sampleRate: number; byteRate: number; bitsPerSample: number } | undefined;
	for (let offset = 12; offset + 8 <= data.length; ) {
		const id = ascii(data, offset, 4);
		const size = view.getUint32(offset + 4, true);
		const body = offset + 8;
		if (id === 'fmt ' && body + 16 <= data.length) {
			fmt = {
				channels: view.getUint16(body + 2, true),
				sampleRate: view.getUint32(body + 4, true),
				byteRate: view.getUint32(body + 8, true),
				bitsPerSample: view.getUint16(body + 14, true),
			};
		} else if (id === 'data') {
			if (!fmt || fmt.byteRate === 0) return undefined;
			const bytes = Math.min(size, data.length - body);
			return {
				sampleRate: fmt.sampleRate,
				channels: fmt.channels,
				bitsPerSample: fmt.bitsPerSample,
				durationSeconds: bytes / fmt.byteRate,
			};
		}
		offset = body + size + (size % 2);
	}
	return undefined;
}
