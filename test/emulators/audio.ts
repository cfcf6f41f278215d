/**
 * Audio helpers shared by the emulators and their tests: the container of audio bytes by magic
 * bytes (what a vendor that downloads an audio URL can tell), an estimated duration (WAV header or
 * MP3 frame walk, any MPEG layer), and small valid WAV / MP3 builders whose bytes differ by seed.
 * Written independently of nodes/shared so that the tests are not circular.
 */
/** Containers/codecs recognised by magic bytes. */
export type AudioFormat = 'wav' | 'mp3' | 'aac' | 'm4a' | 'flv' | 'wma' | 'amr' | 'ogg' | 'flac' | 'silk';

/** Bit rates (kbit/s) by [MPEG-1?][layer 1–3][index]. */
const MPEG_BITRATES: Record<'v1' | 'v2', Record<number, number[]>> = {
	v1: {
		1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
		2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
		3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
	},
	v2: {
		1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
		2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
		3: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
	},
};
const MPEG_SAMPLE_RATES: Record<number, number[]> = {
	3: [44100, 48000, 32000],
	2: [22050, 24000, 16000],
	0: [11025, 12000, 8000],
};

interface MpegFrame {
	length: number;
	samples: number;
	sampleRate: number;
	layer: number;
	mono: boolean;
	mpeg1: boolean;
}

/**
 * Parses an MPEG audio frame header (MPEG-1/2/2.5, Layer I/II/III: what ".mp3" decoders accept)
 * at `pos`; undefined when there is none.
 */
function mpegFrameAt(bytes: Uint8Array, pos: number): MpegFrame | undefined {
	if (pos + 4 > bytes.length || bytes[pos] !== 0xff || (bytes[pos + 1] & 0xe0) !== 0xe0) {
		return undefined;
	}
	const version = (bytes[pos + 1] >> 3) & 3;
	const layer = 4 - ((bytes[pos + 1] >> 1) & 3);
	const bitrateIndex = bytes[pos + 2] >> 4;
	const rateIndex = (bytes[pos + 2] >> 2) & 3;
	if (version === 1 || layer === 4 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) {
		return undefined;
	}
	const mpeg1 = version === 3;
	const bitrate = MPEG_BITRATES[mpeg1 ? 'v1' : 'v2'][layer][bitrateIndex] * 1000;
	const sampleRate = MPEG_SAMPLE_RATES[version][rateIndex];
	const padding = (bytes[pos + 2] >> 1) & 1;
	let length: number;
	let samples: number;
	if (layer === 1) {
		length = (Math.floor((12 * bitrate) / sampleRate) + padding) * 4;
		samples = 384;
	} else if (layer === 2 || mpeg1) {
		length = Math.floor((144 * bitrate) / sampleRate) + padding;
		samples = 1152;
	} else {
		length = Math.floor((72 * bitrate) / sampleRate) + padding;
		samples = 576;
	}
	return { length, samples, sampleRate, layer, mono: bytes[pos + 3] >> 6 === 3, mpeg1 };
}

function id3Length(bytes: Uint8Array): number {
	if (bytes.length < 10 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) {
		return 0;
	}
	const size = ((bytes[6] & 0x7f) << 21) | ((bytes[7] & 0x7f) << 14) | ((bytes[8] & 0x7f) << 7) | (bytes[9] & 0x7f);
	return 10 + size + ((bytes[5] & 0x10) !== 0 ? 10 : 0);
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
	return Buffer.from(bytes.subarray(start, start + length)).toString('latin1');
}

/**
 * The audio format by magic bytes: WAV (`RIFF…WAVE`), MP3 (ID3 tag or an MPEG audio frame header),
 * AAC (ADTS), M4A/MP4/3GP (`ftyp`), FLV, WMA (ASF GUID), AMR (`#!AMR`), OGG (`OggS`), FLAC
 * (`fLaC`), SILK (`#!SILK`). Undefined for anything else (raw PCM included: it has no magic).
 */
export function detectAudioFormat(bytes: Uint8Array): AudioFormat | undefined {
	if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WAVE') {
		return 'wav';
	}
	if (id3Length(bytes) > 0 || mpegFrameAt(bytes, 0)) {
		return 'mp3';
	}
	if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xf6) === 0xf0) {
		return 'aac';
	}
	if (bytes.length >= 8 && ascii(bytes, 4, 4) === 'ftyp') {
		return 'm4a';
	}
	if (bytes.length >= 3 && ascii(bytes, 0, 3) === 'FLV') {
		return 'flv';
	}
	if (bytes.length >= 4 && bytes[0] === 0x30 && bytes[1] === 0x26 && bytes[2] === 0xb2 && bytes[3] === 0x75) {
		return 'wma';
	}
	if (bytes.length >= 5 && ascii(bytes, 0, 5) === '#!AMR') {
		return 'amr';
	}
	if (bytes.length >= 4 && ascii(bytes, 0, 4) === 'OggS') {
		return 'ogg';
	}
	if (bytes.length >= 4 && ascii(bytes, 0, 4) === 'fLaC') {
		return 'flac';
	}
	if (bytes.length >= 6 && (ascii(bytes, 0, 6) === '#!SILK' || ascii(bytes, 1, 6) === '#!SILK')) {
		return 'silk';
	}
	return undefined;
}

function wavDuration(bytes: Uint8Array): number | undefined {
	const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	let pos = 12;
	let byteRate: number | undefined;
	while (pos + 8 <= view.length) {
		const id = ascii(bytes, pos, 4);
		const size = view.readUInt32LE(pos + 4);
		if (id === 'fmt ' && pos + 16 <= view.length) {
			byteRate = view.readUInt32LE(pos + 16);
		}
		if (id === 'data') {
			if (!byteRate) {
				return undefined;
			}
			const available = view.length - (pos + 8);
			return Math.min(size, available) / byteRate;
		}
		pos += 8 + size + (size % 2);
	}
	return undefined;
}

function mp3Duration(bytes: Uint8Array): number | undefined {
	let pos = id3Length(bytes);
	let first: MpegFrame | undefined;
	let samples = 0;
	while (pos + 4 <= bytes.length) {
		const frame = mpegFrameAt(bytes, pos);
		if (!frame) {
			pos += 1;
			continue;
		}
		if (!first && frame.layer === 3) {
			const sideInfo = frame.mpeg1 ? (frame.mono ? 17 : 32) : frame.mono ? 9 : 17;
			const tagAt = pos + 4 + ((bytes[pos + 1] & 1) === 0 ? 2 : 0) + sideInfo;
			const tag = ascii(bytes, tagAt, 4);
			if ((tag === 'Xing' || tag === 'Info') && tagAt + 12 <= bytes.length && (bytes[tagAt + 7] & 1) === 1) {
				const frames = Buffer.from(bytes.subarray(tagAt + 8, tagAt + 12)).readUInt32BE(0);
				return (frames * frame.samples) / frame.sampleRate;
			}
		}
		first ??= frame;
		if (pos + frame.length > bytes.length) {
			break;
		}
		samples += frame.samples;
		pos += frame.length;
	}
	return first ? samples / first.sampleRate : undefined;
}

/**
 * Estimated audio length in seconds from a WAV header (data size / byte rate) or by walking MP3
 * frames (Xing/Info frame count when present). Undefined for other formats.
 */
export function estimateAudioDurationSeconds(bytes: Uint8Array): number | undefined {
	const format = detectAudioFormat(bytes);
	if (format === 'wav') {
		return wavDuration(bytes);
	}
	if (format === 'mp3') {
		return mp3Duration(bytes);
	}
	return undefined;
}

/**
 * A valid 16-bit PCM mono WAV of `seconds` (quiet square wave). `seed` changes one sample so that
 * different seeds give different bytes (and SHA-256) with the same duration. For tests.
 */
export function encodeTestWav(seconds: number, sampleRate = 16000, seed = 0): Buffer {
	const samples = Math.round(seconds * sampleRate);
	const data = Buffer.alloc(samples * 2);
	for (let i = 0; i < samples; i += 1) {
		data.writeInt16LE(Math.floor(i / 20) % 2 === 0 ? 200 : -200, i * 2);
	}
	if (samples > 0) {
		data.writeInt16LE(seed % 32768, 0);
	}
	const header = Buffer.alloc(44);
	header.write('RIFF', 0, 'latin1');
	header.writeUInt32LE(36 + data.length, 4);
	header.write('WAVE', 8, 'latin1');
	header.write('fmt ', 12, 'latin1');
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(1, 20);
	header.writeUInt16LE(1, 22);
	header.writeUInt32LE(sampleRate, 24);
	header.writeUInt32LE(sampleRate * 2, 28);
	header.writeUInt16LE(2, 32);
	header.writeUInt16LE(16, 34);
	header.write('data', 36, 'latin1');
	header.writeUInt32LE(data.length, 40);
	return Buffer.concat([header, data]);
}

/**
 * A structurally valid MP3 of `seconds`: MPEG-2 Layer III frames, 16 kHz, mono, 32 kbit/s (144
 * bytes and 36 ms per frame) preceded by a small ID3v2 tag. `seed` is written into the tag so that
 * different seeds give different bytes with the same duration. For tests.
 */
export function encodeTestMp3(seconds: number, seed = 0): Buffer {
	const frames = Math.max(1, Math.round(seconds / 0.036));
	const frame = Buffer.alloc(144);
	frame[0] = 0xff;
	frame[1] = 0xf3;
	frame[2] = 0x48;
	frame[3] = 0xc0;
	const id3 = Buffer.alloc(20);
	id3.write('ID3', 0, 'latin1');
	id3[3] = 3;
	id3[9] = 10;
	id3.writeUInt32BE(seed >>> 0, 10);
	return Buffer.concat([id3, ...Array.from({ length: frames }, () => frame)]);
}

