/**
 * The audio formats Tencent's synchronous recognition takes (SentenceRecognition `VoiceFormat`,
 * docs/tencent-cloud-api.md#asr-sentencerecognition; flash `voice_format`,
 * docs/tencent-flash-asr.md#request) and whether audio bytes are what the request says they are,
 * by their container signature (docs/audio.md#container-signatures). The real services answer
 * audio that does not decode as the named format with `FailedOperation.ErrorRecognize` / code 4007.
 *
 * Emulator choices: `pcm` has no header, so any bytes are taken EXCEPT bytes that start with a
 * known container (WAV, MP3, Ogg, …: sending a file as pcm is a client bug); `speex` is taken as
 * Ogg Speex or as headerless frames (Tencent's own speex framing cannot be told from its bytes).
 */
import { detectAudioFormat } from '../audio';
import { inspectMpegAudio } from '../wechat';

/** The formats both synchronous APIs document. */
export const TENCENT_VOICE_FORMATS = ['wav', 'pcm', 'ogg-opus', 'speex', 'silk', 'mp3', 'm4a', 'aac', 'amr'] as const;

/** A format of {@link TENCENT_VOICE_FORMATS}. */
export type TencentVoiceFormat = (typeof TENCENT_VOICE_FORMATS)[number];

const ascii = (bytes: Uint8Array, start: number, end: number): string => Buffer.from(bytes.subarray(start, end)).toString('latin1');

/** True when `bytes` are audio of `format` as far as their signature tells. */
export function matchesVoiceFormat(format: TencentVoiceFormat, bytes: Uint8Array): boolean {
	if (bytes.length === 0) return false;
	const head = ascii(bytes, 0, 64);
	switch (format) {
		case 'wav':
			return head.startsWith('RIFF') && head.slice(8, 12) === 'WAVE';
		case 'mp3':
			return inspectMpegAudio(bytes)?.layer === 3;
		case 'ogg-opus':
			return head.startsWith('OggS') && head.includes('OpusHead');
		case 'speex':
			return (head.startsWith('OggS') && head.includes('Speex   ')) || detectAudioFormat(bytes) === undefined;
		case 'silk':
			return head.startsWith('#!SILK') || head.slice(1).startsWith('#!SILK');
		case 'm4a':
			return head.slice(4, 8) === 'ftyp';
		case 'aac': {
			let offset = 0;
			if (head.startsWith('ID3') && bytes.length >= 10) {
				offset = 10 + (((bytes[6] & 0x7f) << 21) | ((bytes[7] & 0x7f) << 14) | ((bytes[8] & 0x7f) << 7) | (bytes[9] & 0x7f));
			}
			if (ascii(bytes, offset, offset + 4) === 'ADIF') return true;
			return bytes[offset] === 0xff && (bytes[offset + 1] & 0xf6) === 0xf0;
		}
		case 'amr':
			return head.startsWith('#!AMR');
		case 'pcm':
			return detectAudioFormat(bytes) === undefined;
	}
}

/**
 * The duration of headerless 16-bit mono PCM, seconds: bytes / (2 × sample rate).
 * @param sampleRate Hz (the engine's 8000 or 16000, or `InputSampleRate`).
 */
export function pcmDurationSeconds(bytes: number, sampleRate: number): number {
	return bytes / (2 * sampleRate);
}

/** The sample rate an engine name implies: 8000 for `8k_…`, else 16000. */
export function engineSampleRate(engine: string): number {
	return engine.startsWith('8k_') ? 8000 : 16000;
}
