/**
 * MP3 inspection and splitting without any dependency: one pass over the bytes, no per-byte
 * allocation, no copy of the audio except where a split part must be glued together.
 *
 * Sources of the rules applied here:
 * - Frame header layout, bitrate and sample-rate tables, samples per frame and frame length:
 *   ISO/IEC 11172-3 (MPEG-1 audio) §2.4.2.3 and ISO/IEC 13818-3 (MPEG-2 audio, lower sampling
 *   frequencies) §2.4.2.3; MPEG-2.5 (8 / 11.025 / 12 kHz) is the Fraunhofer extension that every
 *   decoder accepts (version bits `00`).
 * - Layer III side-information sizes (17/32 bytes for MPEG-1 mono/stereo, 9/17 for MPEG-2/2.5),
 *   where the Xing / Info header sits: Xing's VBR header convention (also written as `Info` by
 *   LAME for CBR files, followed by the LAME tag with encoder delay and padding); Fraunhofer's
 *   VBRI header 32 bytes after the frame header.
 * - ID3v2 (id3.org, ID3v2.3 / ID3v2.4 structure: 10-byte header, syncsafe size, footer flag
 *   0x10), ID3v1 (`TAG`, last 128 bytes, and the `TAG+` extension), APEv2 (`APETAGEX` footer).
 * - Resynchronisation the way decoders do it: a candidate header is only accepted when the
 *   frames it announces line up. FFmpeg's mp3 demuxer resynchronises on three consecutive valid
 *   headers (`MIN_VALID 3`, libavformat/mp3dec.c); mpg123 and FFmpeg compare successive headers
 *   on version, layer and sample rate (mpg123 `HDRCMPMASK`, FFmpeg `SAME_HEADER_MASK`).
 */

/** MPEG audio version of a frame header: 1 (ISO 11172-3), 2 (ISO 13818-3) or 2.5 (Fraunhofer). */
export type MpegVersion = 1 | 2 | 2.5;

/** Channel mode of a Layer III frame header (bits 6-7 of the fourth header byte). */
export type Mp3ChannelMode = 'stereo' | 'joint stereo' | 'dual channel' | 'mono';

/** Kind of the metadata frame at the start of the stream: Xing (VBR), Info (LAME's CBR variant) or VBRI (Fraunhofer). */
export type Mp3VbrHeader = 'Xing' | 'Info' | 'VBRI';

/**
 * Thrown when bytes are not an MP3 (MPEG audio Layer III) stream: empty data, no run of valid
 * frame headers, a known non-MP3 container (WAV, Ogg, FLAC, MP4 …) or MPEG Layer I/II audio.
 * The message starts with `not an MP3 file:` and says what was found.
 */
export class Mp3FormatError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'Mp3FormatError';
	}
}

/** Metadata (Xing / Info / VBRI) frame at the start of the stream; it holds no audio. */
export interface Mp3VbrHeaderFrame {
	/** `Xing`, `Info` or `VBRI`. */
	kind: Mp3VbrHeader;
	/** Byte offset of the frame in the inspected data. */
	offset: number;
	/** Length of the frame in bytes. */
	length: number;
	/** Number of audio frames the header claims (without itself), when it says. */
	frames?: number;
	/** Number of bytes the header claims for the stream, when it says. */
	bytes?: number;
	/** Encoder delay in samples from a LAME tag, when present. */
	encoderDelaySamples?: number;
	/** Encoder padding in samples at the end from a LAME tag, when present. */
	encoderPaddingSamples?: number;
}

/**
 * What {@link inspectMp3} found. Format fields describe the first audio frame; `consistent`
 * says whether every audio frame shares its MPEG version, sample rate and channel mode.
 */
export interface Mp3Info {
	/** MPEG audio version of the first audio frame. */
	mpegVersion: MpegVersion;
	/** Always 3: only Layer III frames are accepted. */
	layer: 3;
	/** Sample rate in Hz of the first audio frame (8000 … 48000). */
	sampleRate: number;
	/** 1 for mono, 2 for stereo / joint stereo / dual channel. */
	channels: 1 | 2;
	/** Channel mode of the first audio frame. */
	channelMode: Mp3ChannelMode;
	/** Samples per channel in one frame: 1152 (MPEG-1) or 576 (MPEG-2 / 2.5). */
	samplesPerFrame: 1152 | 576;
	/** Number of audio frames (the Xing/Info/VBRI frame and a truncated last frame are not counted). */
	frameCount: number;
	/** Frame count × samples per frame / sample rate, in seconds (summed per frame when rates differ). */
	durationSeconds: number;
	/** Audio frame bytes × 8 / duration / 1000, in kbit/s. */
	averageBitrateKbps: number;
	/** Lowest bitrate of any audio frame header, in kbit/s. */
	minBitrateKbps: number;
	/** Highest bitrate of any audio frame header, in kbit/s. */
	maxBitrateKbps: number;
	/** True when audio frames use more than one bitrate. */
	isVbr: boolean;
	/** Kind of the metadata frame at the start, if any. */
	vbrHeader?: Mp3VbrHeader;
	/** Where the metadata frame is and what it claims, if any. */
	vbrHeaderFrame?: Mp3VbrHeaderFrame;
	/** Byte offset of every audio frame, in stream order (length `frameCount`). */
	frameOffsets: Float64Array;
	/** Byte length of every audio frame, in stream order (length `frameCount`). */
	frameLengths: Uint16Array;
	/** Sum of all audio frame lengths, in bytes. */
	audioBytes: number;
	/** Bytes taken by ID3v2 tags at the start (0 when none). */
	id3v2Bytes: number;
	/** Number of consecutive ID3v2 tags at the start. */
	id3v2Tags: number;
	/** True when the data ends with an ID3v1 tag (`TAG`, 128 bytes). */
	id3v1: boolean;
	/** Bytes taken by tags at the end: ID3v1 (+ `TAG+`), APEv2, appended ID3v2 with footer. */
	trailingTagBytes: number;
	/** Bytes skipped between tags and frames that belong to no frame (garbage, false syncs). */
	garbageBytes: number;
	/** Number of separate runs of skipped bytes. */
	garbageRegions: number;
	/** Bytes of a last frame cut short by the end of the data (0 when none); not counted as audio. */
	truncatedBytes: number;
	/** False when some audio frame differs from the first in MPEG version, sample rate or channel mode. */
	consistent: boolean;
}

/** One part made by {@link splitMp3}: a playable MP3 made of whole audio frames only. */
export interface Mp3Part {
	/** Position of the part, 0-based. */
	index: number;
	/** Index (into `info.frameOffsets`) of the part's first audio frame. */
	firstFrame: number;
	/** Number of audio frames in the part. */
	frameCount: number;
	/** Start time of the part in the whole recording, in seconds. */
	startSeconds: number;
	/** End time of the part in the whole recording, in seconds (= next part's start). */
	endSeconds: number;
	/** Size of `data` in bytes (≤ the requested maximum). */
	byteLength: number;
	/** The frames; a zero-copy view of the input when they were contiguous in it. */
	data: Buffer;
}

/**
 * Work done by one {@link inspectMp3} call, counted when a caller passes this object (the counts
 * are added to it). It lets tests check, deterministically and without timers, that the parser's
 * work grows linearly with the size of its input whatever the bytes are: every count is bounded
 * by a small multiple of the input size, as follows from the one-pass walk of {@link inspectMp3}:
 * each step moves on by at least one byte and probes at most 3 headers (the candidate and its
 * {@link RESYNC_CONFIRMATIONS} confirmations), so headerProbes ≤ 3 per byte, bytesScanned ≤ 1 per
 * byte, tagProbes ≤ 1 per 10 bytes (the smallest tag), tableEntries ≤ 1 per 4 bytes (frames are
 * at least 24 bytes; the table at most doubles). Checked in test/fuzz/mp3.fuzz.test.ts. The
 * counting costs one increment per probe whether or not a caller asks for it.
 */
export interface Mp3ParseWork {
	/** Frame-header candidates examined, each reading at most 4 bytes (sync search, confirmations, look-ahead). */
	headerProbes: number;
	/** Bytes passed over by the native search for the next sync byte (0xFF). */
	bytesScanned: number;
	/** Tag positions examined: ID3v2 headers at the start, ID3v1 / APEv2 / appended ID3v2 at the end. */
	tagProbes: number;
	/** Frame-table entries allocated, growth included (each entry is 10 bytes). */
	tableEntries: number;
}

/** Running totals behind {@link Mp3ParseWork} (module-wide, read before and after each call). */
const tally: Mp3ParseWork = { headerProbes: 0, bytesScanned: 0, tagProbes: 0, tableEntries: 0 };

const VERSION_FROM_BITS: ReadonlyArray<MpegVersion | 0> = [2.5, 0, 2, 1];
const CHANNEL_MODES: readonly Mp3ChannelMode[] = ['stereo', 'joint stereo', 'dual channel', 'mono'];
/** Layer III bitrates in kbit/s, ISO/IEC 11172-3 Table 3-B.2 / ISO/IEC 13818-3 Table 3-B.2 (index 0 = free format, 15 = forbidden). */
const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0];
/** Sample rates in Hz by version bits (00 = 2.5, 10 = 2, 11 = 1) and sample-rate index. */
const SAMPLE_RATES: ReadonlyArray<readonly number[]> = [
	[11025, 12000, 8000],
	[],
	[22050, 24000, 16000],
	[44100, 48000, 32000],
];

/**
 * Frame length in bytes without the padding byte, indexed by
 * `versionBits << 6 | bitrateIndex << 2 | sampleRateIndex`; 0 for an invalid combination
 * (reserved version, free-format or forbidden bitrate, reserved sample rate).
 * Layer III: 144 × bitrate / sample rate (MPEG-1), 72 × bitrate / sample rate (MPEG-2 / 2.5).
 */
const FRAME_LENGTHS = new Uint16Array(256);
for (let versionBits = 0; versionBits < 4; versionBits++) {
	if (versionBits === 1) continue;
	const bitrates = versionBits === 3 ? BITRATES_V1 : BITRATES_V2;
	const coefficient = versionBits === 3 ? 144 : 72;
	for (let bitrateIndex = 1; bitrateIndex < 15; bitrateIndex++) {
		for (let rateIndex = 0; rateIndex < 3; rateIndex++) {
			FRAME_LENGTHS[(versionBits << 6) | (bitrateIndex << 2) | rateIndex] = Math.floor(
				(coefficient * bitrates[bitrateIndex] * 1000) / SAMPLE_RATES[versionBits][rateIndex],
			);
		}
	}
}

/**
 * Length in bytes of the Layer III frame whose header starts at `pos`, or 0 when the four bytes
 * there are not a valid Layer III header (sync, version, layer, bitrate, sample rate checked).
 * The caller guarantees `pos + 4 <= data.length`.
 */
function layer3FrameLength(data: Uint8Array, pos: number): number {
	tally.headerProbes++;
	if (data[pos] !== 0xff) return 0;
	const b1 = data[pos + 1];
	// 111V VLLP with LL = 01 (Layer III)
	if ((b1 & 0xe6) !== 0xe2) return 0;
	const b2 = data[pos + 2];
	const length = FRAME_LENGTHS[((b1 & 0x18) << 3) | (b2 >> 2)];
	return length === 0 ? 0 : length + ((b2 >> 1) & 1);
}

/** Sync, version, layer and sample-rate bits of a header: what consecutive frames of one stream share. */
function streamKey(data: Uint8Array, pos: number): number {
	return ((data[pos + 1] & 0xfe) << 8) | (data[pos + 2] & 0x0c);
}

/** {@link streamKey} plus the channel mode. */
function strictKey(data: Uint8Array, pos: number): number {
	return (streamKey(data, pos) << 8) | (data[pos + 3] & 0xc0);
}

/** Size of an ID3v2 tag (header + body + footer) starting at `pos`, or 0 when there is none. */
function id3v2TagSize(data: Uint8Array, pos: number): number {
	tally.tagProbes++;
	if (pos + 10 > data.length) return 0;
	if (data[pos] !== 0x49 || data[pos + 1] !== 0x44 || data[pos + 2] !== 0x33) return 0; // 'ID3'
	if (data[pos + 3] === 0xff || data[pos + 4] === 0xff) return 0;
	const s0 = data[pos + 6];
	const s1 = data[pos + 7];
	const s2 = data[pos + 8];
	const s3 = data[pos + 9];
	if ((s0 | s1 | s2 | s3) & 0x80) return 0; // sizes are syncsafe
	const body = (s0 << 21) | (s1 << 14) | (s2 << 7) | s3;
	const footer = data[pos + 5] & 0x10 ? 10 : 0;
	return 10 + body + footer;
}

function asciiAt(data: Uint8Array, pos: number, text: string): boolean {
	if (pos < 0 || pos + text.length > data.length) return false;
	for (let i = 0; i < text.length; i++) if (data[pos + i] !== text.charCodeAt(i)) return false;
	return true;
}

function readUInt32BE(data: Uint8Array, pos: number): number {
	return ((data[pos] << 24) >>> 0) + ((data[pos + 1] << 16) | (data[pos + 2] << 8) | data[pos + 3]);
}

function readUInt32LE(data: Uint8Array, pos: number): number {
	return ((data[pos + 3] << 24) >>> 0) + ((data[pos + 2] << 16) | (data[pos + 1] << 8) | data[pos]);
}

/**
 * Size of the tags at the end of `data[start, end)`: ID3v1 (`TAG`, 128 bytes) with its `TAG+`
 * extension (227 bytes), APEv2 (`APETAGEX` footer, optional header) and an appended ID3v2 tag
 * with footer (`3DI`), in any order, repeatedly.
 */
function trailingTagSize(data: Uint8Array, start: number, end: number): { bytes: number; id3v1: boolean } {
	let cut = end;
	let id3v1 = false;
	for (;;) {
		tally.tagProbes++;
		if (cut - 128 >= start && asciiAt(data, cut - 128, 'TAG')) {
			cut -= 128;
			id3v1 = true;
			if (cut - 227 >= start && asciiAt(data, cut - 227, 'TAG+')) cut -= 227;
			continue;
		}
		if (cut - 32 >= start && asciiAt(data, cut - 32, 'APETAGEX')) {
			const size = readUInt32LE(data, cut - 32 + 12);
			const flags = readUInt32LE(data, cut - 32 + 20);
			const total = size + (flags & 0x80000000 ? 32 : 0);
			if (size >= 32 && total <= cut - start) {
				cut -= total;
				continue;
			}
		}
		if (cut - 10 >= start && asciiAt(data, cut - 10, '3DI')) {
			const s = cut - 10 + 6;
			if (((data[s] | data[s + 1] | data[s + 2] | data[s + 3]) & 0x80) === 0) {
				const total = 20 + ((data[s] << 21) | (data[s + 1] << 14) | (data[s + 2] << 7) | data[s + 3]);
				if (total <= cut - start && asciiAt(data, cut - total, 'ID3')) {
					cut -= total;
					continue;
				}
			}
		}
		return { bytes: end - cut, id3v1 };
	}
}

/**
 * Reads a Xing / Info / VBRI header from the frame at `pos` (length `length`), or returns
 * `undefined` when the frame is an ordinary audio frame.
 */
function readVbrHeader(data: Uint8Array, pos: number, length: number): Mp3VbrHeaderFrame | undefined {
	const end = pos + length;
	const b1 = data[pos + 1];
	const mpeg1 = (b1 & 0x18) === 0x18;
	const mono = (data[pos + 3] & 0xc0) === 0xc0;
	const sideInfo = mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17;
	const crc = (b1 & 1) === 0 ? 2 : 0;
	for (const candidate of crc ? [pos + 4 + crc + sideInfo, pos + 4 + sideInfo] : [pos + 4 + sideInfo]) {
		const isXing = asciiAt(data, candidate, 'Xing');
		if (!isXing && !asciiAt(data, candidate, 'Info')) continue;
		if (candidate + 8 > end) continue;
		const header: Mp3VbrHeaderFrame = { kind: isXing ? 'Xing' : 'Info', offset: pos, length };
		const flags = readUInt32BE(data, candidate + 4);
		let p = candidate + 8;
		if (flags & 1 && p + 4 <= end) {
			header.frames = readUInt32BE(data, p);
			p += 4;
		}
		if (flags & 2 && p + 4 <= end) {
			header.bytes = readUInt32BE(data, p);
			p += 4;
		}
		if (flags & 4) p += 100; // seek table of contents
		if (flags & 8) p += 4; // quality indicator
		// LAME tag: 9-byte encoder version, then 12 bytes, then 3 bytes of delay (12 bits) and padding (12 bits)
		if (p + 24 <= end && (asciiAt(data, p, 'LAME') || asciiAt(data, p, 'Lavf') || asciiAt(data, p, 'Lavc'))) {
			const d = p + 21;
			header.encoderDelaySamples = (data[d] << 4) | (data[d + 1] >> 4);
			header.encoderPaddingSamples = ((data[d + 1] & 0x0f) << 8) | data[d + 2];
		}
		return header;
	}
	const vbri = pos + 4 + 32;
	if (asciiAt(data, vbri, 'VBRI') && vbri + 18 <= end) {
		return {
			kind: 'VBRI',
			offset: pos,
			length,
			bytes: readUInt32BE(data, vbri + 10),
			frames: readUInt32BE(data, vbri + 14),
		};
	}
	return undefined;
}

/** Number of headers after a resynchronisation candidate that must line up before it is accepted. */
const RESYNC_CONFIRMATIONS = 2;

/**
 * Whether the candidate frame at `pos` (length `length`) starts a run of frames: the next
 * {@link RESYNC_CONFIRMATIONS} headers, each at the end of the one before, are valid and share
 * version, layer and sample rate; reaching `end` exactly (or a frame cut short by `end`) also
 * confirms.
 */
function confirmRun(data: Uint8Array, pos: number, length: number, end: number): boolean {
	const key = streamKey(data, pos);
	let next = pos + length;
	for (let i = 0; i < RESYNC_CONFIRMATIONS; i++) {
		if (next === end) return true;
		if (next + 4 > end) return false;
		const nextLength = layer3FrameLength(data, next);
		if (nextLength === 0 || streamKey(data, next) !== key) return false;
		if (next + nextLength > end) return true;
		next += nextLength;
	}
	return true;
}

const KNOWN_CONTAINERS: Array<[number, string, string]> = [
	[0, 'RIFF', 'a RIFF (WAV/AVI) file'],
	[0, 'OggS', 'an Ogg file'],
	[0, 'fLaC', 'a FLAC file'],
	[4, 'ftyp', 'an MP4/M4A file'],
	[0, '#!AMR', 'an AMR file'],
	[0, 'FLV', 'an FLV file'],
	[0, '\u0030\u0026\u00b2\u0075', 'an ASF/WMA file'],
	[0, '\u001a\u0045\u00df\u00a3', 'a Matroska/WebM file'],
];

/** What the bytes look like when no Layer III stream was found, for the error message. */
function describeNonMp3(data: Uint8Array, start: number, end: number): string {
	if (data.length === 0) return 'the file is empty (0 bytes)';
	// an MP1/MP2 stream starts with a frame header just like an MP3 one
	if (start + 4 <= end && data[start] === 0xff) {
		const b1 = data[start + 1];
		const b2 = data[start + 2];
		const layerBits = (b1 >> 1) & 3;
		const versionBits = (b1 >> 3) & 3;
		if ((b1 & 0xe0) === 0xe0 && layerBits > 1 && versionBits !== 1 && b2 >> 4 !== 15 && ((b2 >> 2) & 3) !== 3) {
			return `no MPEG audio Layer III frames found; the data starts with an MPEG-${VERSION_FROM_BITS[versionBits]} Layer ${layerBits === 3 ? 'I' : 'II'} frame header, which is not MP3`;
		}
	}
	return 'no MPEG audio frames found';
}

/**
 * Walks an MP3 file and reports its format, duration and the position of every audio frame.
 *
 * - Skips ID3v2 tags at the start (several in a row, footer flag honoured; the unsynchronisation
 *   flag does not change a tag's stored size) and ID3v1 / `TAG+` / APEv2 / appended ID3v2 tags
 *   at the end.
 * - Accepts MPEG-1, MPEG-2 and MPEG-2.5 Layer III frames. Layer I/II headers and free-format
 *   frames (bitrate index 0) are not accepted; a stream made only of them is not MP3.
 * - A frame that directly follows an accepted frame is accepted when the next header agrees
 *   with it (version, layer, sample rate), when it ends exactly at the end of the audio, or when
 *   it has the same version, sample rate and channel mode as the frame before. Anywhere else
 *   (first frame, after garbage) a header is only accepted when it and the next two headers line
 *   up (or the data ends), as FFmpeg does when it resynchronises; bytes skipped on the way are
 *   counted as garbage. A false sync inside garbage therefore needs three chained headers.
 * - A Xing / Info / VBRI header in the first frame is reported and not counted as audio.
 * - A last frame cut short by the end of the data is reported in `truncatedBytes` and excluded.
 *
 * Runs in one pass and allocates only the frame tables (10 bytes per frame).
 *
 * @param data the whole file (a Buffer or any Uint8Array).
 * @param work optional counters the work of this call is added to (see {@link Mp3ParseWork}).
 * @returns see {@link Mp3Info}.
 * @throws Mp3FormatError when the data starts with the signature of another container (RIFF/WAV,
 *   Ogg, FLAC, MP4, AMR, FLV, ASF, Matroska: even one carrying MPEG audio is not an MP3 file) or
 *   holds no Layer III audio frame (empty data, text, MP1/MP2, only a Xing header).
 */
export function inspectMp3(data: Uint8Array, work?: Mp3ParseWork): Mp3Info {
	if (!work) return inspect(data);
	const before = { ...tally };
	try {
		return inspect(data);
	} finally {
		work.headerProbes += tally.headerProbes - before.headerProbes;
		work.bytesScanned += tally.bytesScanned - before.bytesScanned;
		work.tagProbes += tally.tagProbes - before.tagProbes;
		work.tableEntries += tally.tableEntries - before.tableEntries;
	}
}

function inspect(data: Uint8Array): Mp3Info {
	const size = data.length;
	// another container may carry MPEG audio (WAV format 0x55, MP4 …) but is not an MP3 file
	for (const [offset, magic, name] of KNOWN_CONTAINERS) {
		if (asciiAt(data, offset, magic)) throw new Mp3FormatError(`not an MP3 file: the data is ${name}`);
	}
	let start = 0;
	let id3v2Tags = 0;
	let id3v2Overrun = false;
	for (;;) {
		const tag = id3v2TagSize(data, start);
		if (tag === 0) break;
		id3v2Overrun = start + tag > size;
		start = Math.min(size, start + tag);
		id3v2Tags++;
	}
	const trailing = trailingTagSize(data, start, size);
	const end = size - trailing.bytes;

	let capacity = 0;
	let offsets = new Float64Array(0);
	let lengths = new Uint16Array(0);
	let count = 0;
	let audioBytes = 0;
	let vbrHeaderFrame: Mp3VbrHeaderFrame | undefined;
	let firstKey = -1;
	let firstHeader = -1;
	let consistent = true;
	let minBitrateIndex = 15;
	let maxBitrateIndex = 0;
	/** Frames counted per `versionBits << 2 | sampleRateIndex`, for the duration. */
	const framesPerRate = new Float64Array(16);

	let garbageBytes = 0;
	let garbageRegions = 0;
	let truncatedBytes = 0;
	let locked = false;
	let previous = -1;
	let gapStart = start;
	let pos = start;
	let sawFrame = false;

	while (pos + 4 <= end) {
		const length = layer3FrameLength(data, pos);
		let accept = false;
		if (length !== 0) {
			const frameEnd = pos + length;
			if (locked) {
				if (frameEnd > end) {
					if (streamKey(data, pos) === streamKey(data, previous)) {
						truncatedBytes = end - pos;
						pos = end;
						break;
					}
				} else {
					accept = frameEnd === end || strictKey(data, pos) === strictKey(data, previous);
					if (!accept && frameEnd + 4 <= end) {
						const nextLength = layer3FrameLength(data, frameEnd);
						accept = nextLength !== 0 && streamKey(data, frameEnd) === streamKey(data, pos);
					}
				}
			} else if (frameEnd <= end && confirmRun(data, pos, length, end)) {
				accept = true;
				if (pos > gapStart) {
					garbageBytes += pos - gapStart;
					garbageRegions++;
				}
			}
			if (accept) {
				const header = sawFrame ? undefined : readVbrHeader(data, pos, length);
				sawFrame = true;
				if (header) {
					vbrHeaderFrame = header;
				} else {
					if (count === capacity) {
						capacity = count === 0 ? Math.ceil(((end - pos) / length) * 1.02) + 16 : capacity * 2;
						tally.tableEntries += capacity;
						const grownOffsets = new Float64Array(capacity);
						grownOffsets.set(offsets);
						offsets = grownOffsets;
						const grownLengths = new Uint16Array(capacity);
						grownLengths.set(lengths);
						lengths = grownLengths;
					}
					offsets[count] = pos;
					lengths[count] = length;
					count++;
					audioBytes += length;
					const key = strictKey(data, pos);
					if (firstKey === -1) {
						firstKey = key;
						firstHeader = pos;
					} else if (key !== firstKey) {
						consistent = false;
					}
					const b2 = data[pos + 2];
					const bitrateIndex = b2 >> 4;
					if (bitrateIndex < minBitrateIndex) minBitrateIndex = bitrateIndex;
					if (bitrateIndex > maxBitrateIndex) maxBitrateIndex = bitrateIndex;
					framesPerRate[((data[pos + 1] >> 1) & 0x0c) | ((b2 >> 2) & 3)]++;
				}
				locked = true;
				previous = pos;
				pos += length;
				continue;
			}
		}
		if (locked) {
			locked = false;
			gapStart = pos;
		}
		// jump to the next candidate sync byte (native search, no per-byte work in JS)
		const next = data.indexOf(0xff, pos + 1);
		tally.bytesScanned += (next === -1 ? size : next + 1) - (pos + 1);
		pos = next === -1 || next > end ? end : next;
	}
	// bytes after the last frame that belong to no frame (when locked, fewer than 4 can be left;
	// a truncated last frame has set pos = end)
	const tailStart = locked ? pos : gapStart;
	if (sawFrame && end > tailStart) {
		garbageBytes += end - tailStart;
		garbageRegions++;
	}

	if (count === 0) {
		let reason: string;
		if (sawFrame) reason = 'the only MPEG frame is a Xing/Info/VBRI header, no audio frames found';
		else if (id3v2Overrun) reason = 'no MPEG audio frames found; the ID3v2 tag claims to be longer than the whole file';
		else reason = describeNonMp3(data, start, end);
		throw new Mp3FormatError(`not an MP3 file: ${reason}`);
	}

	const b1 = data[firstHeader + 1];
	const b2 = data[firstHeader + 2];
	const versionBits = (b1 >> 3) & 3;
	const mpegVersion = VERSION_FROM_BITS[versionBits] as MpegVersion;
	const sampleRate = SAMPLE_RATES[versionBits][(b2 >> 2) & 3];
	const channelMode = CHANNEL_MODES[data[firstHeader + 3] >> 6];
	const samplesPerFrame = mpegVersion === 1 ? 1152 : 576;
	let durationSeconds = 0;
	for (let index = 0; index < 16; index++) {
		const frames = framesPerRate[index];
		if (frames === 0) continue;
		const bits = index >> 2;
		durationSeconds += (frames * (bits === 3 ? 1152 : 576)) / SAMPLE_RATES[bits][index & 3];
	}
	const bitrates = mpegVersion === 1 ? BITRATES_V1 : BITRATES_V2;

	return {
		mpegVersion,
		layer: 3,
		sampleRate,
		channels: channelMode === 'mono' ? 1 : 2,
		channelMode,
		samplesPerFrame,
		frameCount: count,
		durationSeconds,
		averageBitrateKbps: (audioBytes * 8) / durationSeconds / 1000,
		minBitrateKbps: bitrates[minBitrateIndex],
		maxBitrateKbps: bitrates[maxBitrateIndex],
		isVbr: minBitrateIndex !== maxBitrateIndex,
		vbrHeader: vbrHeaderFrame?.kind,
		vbrHeaderFrame,
		frameOffsets: offsets.slice(0, count),
		frameLengths: lengths.slice(0, count),
		audioBytes,
		id3v2Bytes: start,
		id3v2Tags,
		id3v1: trailing.id3v1,
		trailingTagBytes: trailing.bytes,
		garbageBytes,
		garbageRegions,
		truncatedBytes,
		consistent,
	};
}

/**
 * Like {@link inspectMp3}, but returns `undefined` instead of throwing {@link Mp3FormatError}
 * (other errors still propagate).
 */
export function tryInspectMp3(data: Uint8Array): Mp3Info | undefined {
	let failure: unknown;
	try {
		return inspectMp3(data);
	} catch (error) {
		failure = error;
	}
	if (failure instanceof Mp3FormatError) return undefined;
	throw failure;
}

/**
 * Short description of the audio format for messages: `"<sampleRate> Hz mono"` or
 * `"<sampleRate> Hz stereo"` (joint stereo and dual channel count as stereo), e.g.
 * `"44100 Hz stereo"`, `"16000 Hz mono"`.
 */
export function describeAudioFormat(info: Pick<Mp3Info, 'sampleRate' | 'channels'>): string {
	return `${info.sampleRate} Hz ${info.channels === 1 ? 'mono' : 'stereo'}`;
}

/**
 * Longer description for logs and node output, e.g.
 * `"MPEG-1 Layer III, 44100 Hz joint stereo, 128 kbit/s CBR, 12.3 s"` or
 * `"MPEG-2 Layer III, 16000 Hz mono, 40 kbit/s VBR (Xing), 3.5 s"`.
 */
export function describeMp3(info: Mp3Info): string {
	const rate = info.isVbr ? `${Math.round(info.averageBitrateKbps)} kbit/s VBR` : `${info.minBitrateKbps} kbit/s CBR`;
	const header = info.vbrHeader ? ` (${info.vbrHeader})` : '';
	return `MPEG-${info.mpegVersion} Layer III, ${info.sampleRate} Hz ${info.channelMode}, ${rate}${header}, ${info.durationSeconds.toFixed(1)} s`;
}

/** Samples per frame / sample rate of the frame header at `pos`, in seconds. */
function frameSeconds(data: Uint8Array, pos: number): number {
	const versionBits = (data[pos + 1] >> 3) & 3;
	return (versionBits === 3 ? 1152 : 576) / SAMPLE_RATES[versionBits][(data[pos + 2] >> 2) & 3];
}

function view(data: Uint8Array, start: number, length: number): Buffer {
	return Buffer.from(data.buffer, data.byteOffset + start, length);
}

/**
 * Cuts the audio frames described by `info` into parts of at most `maxPartBytes` bytes, each a
 * valid MP3 on its own: whole audio frames only, in order, no ID3/APE tags, no Xing/Info/VBRI
 * frame, no garbage. Parts are filled greedily, so every part but the last is as large as the
 * limit allows. Concatenating the parts gives exactly the audio frames of the input.
 *
 * A part whose frames are contiguous in `data` is a zero-copy view of it (`part.data.buffer ===
 * data.buffer`); only a part spanning skipped garbage is copied together, so the audio is copied
 * at most once. A file that fits gives a single part (still without tags and header frame).
 *
 * Layer III frames may borrow up to 511 bytes of main data from earlier frames (the bit
 * reservoir); the first frame of a part (other than the first) loses those bytes, so decoders
 * fill its first granule(s) with silence: one frame (1152 or 576 samples) per seam is muted, and
 * decoded samples may differ from the unsplit file for up to 4 frames after a seam while the
 * decoder settles (measured with ffmpeg on the fixtures: test/fixtures/audio/fixtures.json,
 * `maxFramesAffectedAfterSeam`). mpg123 reports the missing reservoir bytes as
 * "part2_3_length too large" on that first frame; ffmpeg decodes every part without error.
 *
 * @param data the bytes `info` was computed from.
 * @param info the result of {@link inspectMp3} for `data`.
 * @param maxPartBytes largest part size in bytes (e.g. 1,048,576 for WeChat).
 * @throws RangeError when `maxPartBytes` is not a positive integer, or a single frame is larger
 *   than it; Error when `info` does not describe `data`.
 */
export function splitMp3(data: Uint8Array, info: Mp3Info, maxPartBytes: number): Mp3Part[] {
	if (!Number.isInteger(maxPartBytes) || maxPartBytes <= 0) {
		throw new RangeError(`maxPartBytes must be a positive whole number of bytes, got ${maxPartBytes}`);
	}
	const { frameOffsets, frameLengths, frameCount } = info;
	const last = frameCount - 1;
	if (
		frameCount === 0 ||
		frameOffsets[last] + frameLengths[last] > data.length ||
		data[frameOffsets[0]] !== 0xff ||
		data[frameOffsets[last]] !== 0xff
	) {
		throw new Error('splitMp3: the Mp3Info given does not describe these bytes (inspect the same data first)');
	}
	const fixed = info.consistent;
	const parts: Mp3Part[] = [];
	let seconds = 0;
	let frame = 0;
	while (frame < frameCount) {
		const firstFrame = frame;
		let bytes = 0;
		let contiguous = true;
		let partSeconds = 0;
		while (frame < frameCount) {
			const length = frameLengths[frame];
			if (bytes + length > maxPartBytes) break;
			if (frame > firstFrame && frameOffsets[frame] !== frameOffsets[frame - 1] + frameLengths[frame - 1]) contiguous = false;
			if (!fixed) partSeconds += frameSeconds(data, frameOffsets[frame]);
			bytes += length;
			frame++;
		}
		if (frame === firstFrame) {
			throw new RangeError(
				`frame ${frame} is ${frameLengths[frame]} bytes, larger than the maximum part size of ${maxPartBytes} bytes`,
			);
		}
		const count = frame - firstFrame;
		let partData: Buffer;
		if (contiguous) {
			partData = view(data, frameOffsets[firstFrame], bytes);
		} else {
			partData = Buffer.allocUnsafe(bytes);
			let written = 0;
			let runStart = frameOffsets[firstFrame];
			let runEnd = runStart;
			for (let f = firstFrame; f < frame; f++) {
				if (frameOffsets[f] !== runEnd) {
					partData.set(data.subarray(runStart, runEnd), written);
					written += runEnd - runStart;
					runStart = frameOffsets[f];
				}
				runEnd = frameOffsets[f] + frameLengths[f];
			}
			partData.set(data.subarray(runStart, runEnd), written);
		}
		const startSeconds = fixed ? (firstFrame * info.samplesPerFrame) / info.sampleRate : seconds;
		const endSeconds = fixed ? (frame * info.samplesPerFrame) / info.sampleRate : seconds + partSeconds;
		seconds = endSeconds;
		parts.push({
			index: parts.length,
			firstFrame,
			frameCount: count,
			startSeconds,
			endSeconds,
			byteLength: bytes,
			data: partData,
		});
	}
	return parts;
}
