/**
 * nodes/common/mp3.ts against real encoder output (test/fixtures/audio, made by
 * make-fixtures.sh with espeak-ng, SoX, LAME and FFmpeg) and against what ffprobe said about the
 * same files (fixtures.json, so ffprobe is not needed here). Synthetic cases are assembled from
 * the real frames of those fixtures.
 */
import { createHash } from 'node:crypto';

import {
	describeAudioFormat,
	describeMp3,
	inspectMp3,
	Mp3FormatError,
	type Mp3Info,
	splitMp3,
	tryInspectMp3,
} from '../../../nodes/common/mp3';
import { fixture, fixtureTable } from '../../helpers/fixtures';

interface FfprobeEntry {
	error?: string;
	codec?: string;
	sampleRate?: number;
	channels?: number;
	durationSeconds?: number;
	bitRate?: number;
	frames?: number;
	packets?: number;
}

interface SplitCheckEntry {
	maxPartBytes: number;
	parts: number;
	partList: Array<{ index: number; firstFrame: number; frameCount: number; bytes: number; sha256: string }>;
	decoders: Record<'ffmpeg' | 'mpg123', { errors: number; messages: Array<{ message: string; count: number }> }>;
	pcm: { decodedSamplesEqualFrameCount: boolean; maxFramesAffectedAfterSeam: number; firstPartFramesDiffering: number };
}

interface FixtureEntry {
	bytes: number;
	sha256: string;
	text?: string;
	ffprobe: FfprobeEntry;
	derivedFrom?: { file: string; edit: string };
	splitCheck?: SplitCheckEntry;
	segments?: Array<{ startSeconds: number; endSeconds: number; text: string }>;
}

const table = fixtureTable as unknown as { files: Record<string, FixtureEntry> };
const load = fixture;

const entries = Object.entries(table.files);
/** What ffprobe (not our module) identified as MP3 audio. */
const mp3Fixtures = entries.filter(([, entry]) => entry.ffprobe.codec === 'mp3');
const nonMp3Fixtures = entries.filter(([, entry]) => entry.ffprobe.codec !== 'mp3');

function frameSeconds(info: Mp3Info): number {
	return info.samplesPerFrame / info.sampleRate;
}

/** The bytes of audio frame `index`. */
function frame(data: Uint8Array, info: Mp3Info, index: number): Uint8Array {
	return data.subarray(info.frameOffsets[index], info.frameOffsets[index] + info.frameLengths[index]);
}

/** All audio frames concatenated (what a tag-free, garbage-free copy of the file would hold). */
function framesOf(data: Uint8Array, info: Mp3Info): Buffer {
	return Buffer.concat(Array.from({ length: info.frameCount }, (_, i) => frame(data, info, i)));
}

function expectSameFrames(a: Uint8Array, infoA: Mp3Info, b: Uint8Array, infoB: Mp3Info): void {
	expect(infoA.frameCount).toBe(infoB.frameCount);
	for (let i = 0; i < infoA.frameCount; i++) {
		if (Buffer.compare(frame(a, infoA, i), frame(b, infoB, i)) !== 0) throw new Error(`frame ${i} differs`);
	}
}

/** MPEG version implied by a sample rate (ISO 11172-3 / 13818-3 / MPEG-2.5). */
function versionForRate(rate: number): number {
	if (rate >= 32000) return 1;
	if (rate >= 16000) return 2;
	return 2.5;
}

describe('fixture table', () => {
	it('matches the committed files', () => {
		for (const [name, entry] of entries) {
			const data = load(name);
			expect({ name, bytes: data.length }).toEqual({ name, bytes: entry.bytes });
			expect(createHash('sha256').update(data).digest('hex')).toBe(entry.sha256);
		}
	});

	it('covers what the issue asks for', () => {
		const names = Object.keys(table.files);
		for (const required of [
			'speech-16k-mono.mp3',
			'speech-en-16k-mono.mp3',
			'speech-16k-mono.wav',
			'long-16k-mono.mp3',
			'empty.mp3',
			'not-audio.mp3',
		]) {
			expect(names).toContain(required);
		}
		const rates = new Set(mp3Fixtures.map(([, entry]) => entry.ffprobe.sampleRate));
		for (const rate of [8000, 16000, 44100]) expect(rates).toContain(rate);
		expect(table.files['speech-16k-mono.mp3'].bytes).toBeLessThan(100 * 1024);
		expect(table.files['long-16k-mono.mp3'].bytes).toBeGreaterThan(2 * 1048576);
		expect(table.files['long-16k-mono.mp3'].bytes).toBeLessThan(4 * 1048576);
		expect(table.files['speech-16k-mono.mp3'].text).toBe('今天天气很好，我们一起去公园散步吧。');
		expect(table.files['speech-en-16k-mono.mp3'].text).toMatch(/weather/);
		expect(table.files['long-16k-mono.mp3'].segments?.length).toBeGreaterThanOrEqual(10);
	});
});

describe('inspectMp3 on real encoder output', () => {
	it.each(mp3Fixtures)('%s: format and duration agree with ffprobe', (name, entry) => {
		const data = load(name);
		const info = inspectMp3(data);
		const probe = entry.ffprobe;
		expect(info.sampleRate).toBe(probe.sampleRate);
		expect(info.channels).toBe(probe.channels);
		expect(info.mpegVersion).toBe(versionForRate(info.sampleRate));
		expect(info.samplesPerFrame).toBe(info.mpegVersion === 1 ? 1152 : 576);
		expect(info.layer).toBe(3);
		// ffprobe estimates the duration of a file without Xing/Info header from its size, which
		// counts inserted garbage: for that file the reference is the file the garbage went into
		const reference =
			entry.derivedFrom?.edit.startsWith('insert-garbage') === true
				? table.files[entry.derivedFrom.file].ffprobe.durationSeconds
				: probe.durationSeconds;
		expect(reference).toBeDefined();
		expect(Math.abs(info.durationSeconds - (reference as number))).toBeLessThanOrEqual(frameSeconds(info) + 1e-9);
		expect(info.durationSeconds).toBeCloseTo((info.frameCount * info.samplesPerFrame) / info.sampleRate, 9);
		expect(info.consistent).toBe(true);
	});

	it.each(mp3Fixtures)('%s: frame table is consistent', (name) => {
		const data = load(name);
		const info = inspectMp3(data);
		expect(info.frameOffsets).toHaveLength(info.frameCount);
		expect(info.frameLengths).toHaveLength(info.frameCount);
		let sum = 0;
		let previousEnd = 0;
		for (let i = 0; i < info.frameCount; i++) {
			const offset = info.frameOffsets[i];
			expect(offset >= previousEnd).toBe(true);
			expect(data[offset]).toBe(0xff);
			previousEnd = offset + info.frameLengths[i];
			sum += info.frameLengths[i];
		}
		expect(previousEnd).toBeLessThanOrEqual(data.length);
		expect(info.audioBytes).toBe(sum);
		const headerBytes = info.vbrHeaderFrame?.length ?? 0;
		expect(info.id3v2Bytes + headerBytes + sum + info.garbageBytes + info.truncatedBytes + info.trailingTagBytes).toBe(
			data.length,
		);
		expect(info.averageBitrateKbps).toBeCloseTo((sum * 8) / info.durationSeconds / 1000, 6);
	});

	it.each(mp3Fixtures.filter(([, entry]) => !entry.derivedFrom))(
		'%s: frame count equals the packets ffprobe counted',
		(name, entry) => {
			const info = inspectMp3(load(name));
			// ffprobe leaves the Xing/Info frame out of its packets, as we leave it out of frames
			expect(info.frameCount).toBe(entry.ffprobe.packets);
			if (info.vbrHeaderFrame?.frames !== undefined) expect(info.vbrHeaderFrame.frames).toBe(info.frameCount);
		},
	);

	it.each(mp3Fixtures)('%s: channel mode, bitrate and header frame match how LAME was asked to encode it', (name, entry) => {
		const info = inspectMp3(load(name));
		const mode = name.includes('joint')
			? 'joint stereo'
			: name.includes('dual')
				? 'dual channel'
				: name.includes('stereo')
					? 'stereo'
					: 'mono';
		expect(info.channelMode).toBe(mode);
		const vbr = name.startsWith('vbr-');
		expect(info.isVbr).toBe(vbr);
		if (vbr) {
			expect(info.vbrHeader).toBe('Xing');
			expect(info.minBitrateKbps).toBeLessThan(info.maxBitrateKbps);
			// ffprobe takes a Xing file's bit rate from the header's byte count (which includes the Xing frame)
			const xingBytes = info.vbrHeaderFrame?.bytes as number;
			expect(entry.ffprobe.bitRate).toBe(Math.round((xingBytes * 8) / info.durationSeconds));
		} else {
			expect(info.minBitrateKbps).toBe(info.maxBitrateKbps);
			expect(info.minBitrateKbps * 1000).toBe(entry.ffprobe.bitRate);
			expect(info.averageBitrateKbps).toBeCloseTo(info.minBitrateKbps, 0);
			// LAME writes its Info frame (Xing fields + LAME tag, about 160 bytes after the side
			// information) only when a frame has room for it: not in 144-byte frames
			expect(info.vbrHeader).toBe(info.frameLengths[0] > 144 ? 'Info' : undefined);
			expect(['speech-16k-mono.mp3', 'cbr-info-16k-mono.mp3', 'cbr-44k-stereo.mp3'].map((f) => inspectMp3(load(f)).vbrHeader)).toEqual([
				undefined,
				'Info',
				'Info',
			]);
		}
		if (info.vbrHeader) {
			expect(info.vbrHeaderFrame).toMatchObject({ kind: info.vbrHeader, offset: info.id3v2Bytes });
			// LAME's encoder delay: 576 + 529 decoder delay is reported as 576 in the tag
			expect(info.vbrHeaderFrame?.encoderDelaySamples).toBe(576);
			expect(info.vbrHeaderFrame?.encoderPaddingSamples).toBeGreaterThan(0);
		}
	});

	it('reports the format of the WeChat fixtures', () => {
		const info = inspectMp3(load('speech-16k-mono.mp3'));
		expect(info).toMatchObject({ mpegVersion: 2, sampleRate: 16000, channels: 1, channelMode: 'mono', isVbr: false });
		expect(describeAudioFormat(info)).toBe('16000 Hz mono');
		expect(describeMp3(info)).toBe('MPEG-2 Layer III, 16000 Hz mono, 32 kbit/s CBR, 6.5 s');
		const stereo = inspectMp3(load('cbr-44k-stereo.mp3'));
		expect(describeAudioFormat(stereo)).toBe('44100 Hz stereo');
		expect(describeAudioFormat(inspectMp3(load('vbr-44k-joint.mp3')))).toBe('44100 Hz stereo');
		expect(describeMp3(inspectMp3(load('vbr-44k-joint.mp3')))).toMatch(/^MPEG-1 Layer III, 44100 Hz joint stereo, \d+ kbit\/s VBR \(Xing\), 6\.5 s$/);
		expect(inspectMp3(load('cbr-8k-mono.mp3')).mpegVersion).toBe(2.5);
	});

	it('skips ID3v2 and ID3v1 tags: the audio frames are those of the untagged encode', () => {
		const plain = load('speech-16k-mono.mp3');
		const plainInfo = inspectMp3(plain);
		expect(plainInfo).toMatchObject({ id3v2Bytes: 0, id3v2Tags: 0, id3v1: false, trailingTagBytes: 0 });
		for (const name of ['id3v2-16k-mono.mp3', 'id3v1-16k-mono.mp3', 'id3v2-id3v1-16k-mono.mp3']) {
			const data = load(name);
			const info = inspectMp3(data);
			expectSameFrames(data, info, plain, plainInfo);
			expect(info.garbageBytes).toBe(0);
			const hasV2 = name.includes('id3v2');
			const hasV1 = name.includes('id3v1');
			expect(info.id3v2Tags).toBe(hasV2 ? 1 : 0);
			expect(info.id3v2Bytes > 0).toBe(hasV2);
			if (hasV2) expect(data.subarray(0, 3).toString('latin1')).toBe('ID3');
			expect(info.id3v1).toBe(hasV1);
			expect(info.trailingTagBytes).toBe(hasV1 ? 128 : 0);
			expect(info.frameOffsets[0]).toBe(info.id3v2Bytes);
		}
	});

	it('skips garbage between frames and accepts none of the fake headers planted in it', () => {
		const source = load('speech-16k-mono.mp3');
		const data = load('garbage-16k-mono.mp3');
		const info = inspectMp3(data);
		// every real frame found, nothing else: the fake headers (one alone, two chained) were refused
		expectSameFrames(data, info, source, inspectMp3(source));
		expect(info.garbageBytes).toBe(500 + 777);
		expect(info.garbageRegions).toBe(2);
		expect(info.truncatedBytes).toBe(0);
		expect(data.indexOf(Buffer.from([0xff, 0xf3, 0x48, 0xc4]), info.frameOffsets[39] + 144)).toBe(info.frameOffsets[39] + 144 + 100);
	});

	it('reports a truncated last frame and leaves it out', () => {
		const source = load('speech-16k-mono.mp3');
		const sourceInfo = inspectMp3(source);
		const data = load('truncated-16k-mono.mp3');
		const info = inspectMp3(data);
		expect(info.frameCount).toBe(sourceInfo.frameCount - 1);
		for (let i = 0; i < info.frameCount; i++) expect(Buffer.compare(frame(data, info, i), frame(source, sourceInfo, i))).toBe(0);
		expect(info.truncatedBytes).toBe(sourceInfo.frameLengths[sourceInfo.frameCount - 1] - 50);
		expect(info.garbageBytes).toBe(0);
		// ffmpeg makes a packet of the partial frame; we do not
		expect(table.files['truncated-16k-mono.mp3'].ffprobe.packets).toBe(info.frameCount + 1);
	});
});

describe('inspectMp3 refuses what is not MP3', () => {
	it.each(nonMp3Fixtures)('%s', (name) => {
		const data = load(name);
		expect(() => inspectMp3(data)).toThrow(Mp3FormatError);
		expect(() => inspectMp3(data)).toThrow(/^not an MP3 file: /);
		expect(tryInspectMp3(data)).toBeUndefined();
	});

	it('says what it found', () => {
		expect(() => inspectMp3(load('empty.mp3'))).toThrow('not an MP3 file: the file is empty (0 bytes)');
		expect(() => inspectMp3(load('not-audio.mp3'))).toThrow('not an MP3 file: no MPEG audio frames found');
		expect(() => inspectMp3(load('speech-16k-mono.wav'))).toThrow('not an MP3 file: the data is a RIFF (WAV/AVI) file');
		expect(() => inspectMp3(load('layer2-44k-stereo.mp3'))).toThrow(/MPEG-1 Layer II frame header, which is not MP3/);
		expect(() => inspectMp3(new Uint8Array(4096))).toThrow('not an MP3 file: no MPEG audio frames found');
		let error: unknown;
		try {
			inspectMp3(Buffer.from('hello'));
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(Mp3FormatError);
		expect((error as Error).name).toBe('Mp3FormatError');
	});

	it('refuses a file whose only frame is a Xing header', () => {
		const data = load('vbr-16k-mono.mp3');
		const info = inspectMp3(data);
		const header = data.subarray(0, info.vbrHeaderFrame?.length);
		expect(() => inspectMp3(header)).toThrow(/only MPEG frame is a Xing\/Info\/VBRI header/);
	});

	it('tryInspectMp3 returns the same result as inspectMp3 for MP3', () => {
		const data = load('speech-16k-mono.mp3');
		expect(tryInspectMp3(data)).toEqual(inspectMp3(data));
	});
});

describe('inspectMp3 edge cases built from real frames', () => {
	const source = load('speech-16k-mono.mp3');
	const sourceInfo = inspectMp3(source);
	const frames = framesOf(source, sourceInfo);

	/** ID3v2 tag: `ID3` v2.`major`, flags, syncsafe size, body, and a `3DI` footer when flags has 0x10. */
	function id3v2(major: number, flags: number, body: Buffer): Buffer {
		const size = body.length;
		const syncsafe = Buffer.from([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f]);
		const header = Buffer.concat([Buffer.from('ID3'), Buffer.from([major, 0, flags]), syncsafe]);
		const footer = flags & 0x10 ? Buffer.concat([Buffer.from('3DI'), Buffer.from([major, 0, flags]), syncsafe]) : Buffer.alloc(0);
		return Buffer.concat([header, body, footer]);
	}

	it('skips an ID3v2.4 tag with unsynchronisation and footer flags, even when its body looks like frames', () => {
		// the body holds 30 real frames: a scanner that ignored the footer or the size would find them
		const body = Buffer.from(frames.subarray(0, 30 * 144));
		const tag = id3v2(4, 0x80 | 0x10, body);
		const data = Buffer.concat([tag, frames]);
		const info = inspectMp3(data);
		expect(info.id3v2Bytes).toBe(10 + body.length + 10);
		expect(info.id3v2Tags).toBe(1);
		expectSameFrames(data, info, source, sourceInfo);
		expect(info.garbageBytes).toBe(0);
	});

	it('skips several ID3v2 tags in a row', () => {
		const data = Buffer.concat([id3v2(3, 0, Buffer.alloc(100)), id3v2(4, 0x10, Buffer.alloc(33)), id3v2(2, 0, Buffer.alloc(7)), frames]);
		const info = inspectMp3(data);
		expect(info.id3v2Tags).toBe(3);
		expect(info.id3v2Bytes).toBe(110 + 53 + 17);
		expectSameFrames(data, info, source, sourceInfo);
	});

	it('skips APEv2, appended ID3v2 and ID3v1 tags at the end', () => {
		const apeItems = Buffer.alloc(40, 0x41);
		const apeFooter = Buffer.alloc(32);
		apeFooter.write('APETAGEX', 0, 'latin1');
		apeFooter.writeUInt32LE(2000, 8);
		apeFooter.writeUInt32LE(apeItems.length + 32, 12);
		apeFooter.writeUInt32LE(0x80000000, 20); // has a header
		const apeHeader = Buffer.from(apeFooter);
		apeHeader.writeUInt32LE(0xa0000000, 20);
		const ape = Buffer.concat([apeHeader, apeItems, apeFooter]);
		const appended = id3v2(4, 0x10, Buffer.alloc(20));
		const id3v1 = Buffer.alloc(128);
		id3v1.write('TAG', 0, 'latin1');
		const data = Buffer.concat([frames, appended, ape, id3v1]);
		const info = inspectMp3(data);
		expect(info.id3v1).toBe(true);
		expect(info.trailingTagBytes).toBe(appended.length + ape.length + 128);
		expect(info.garbageBytes).toBe(0);
		expectSameFrames(data, info, source, sourceInfo);
	});

	it('skips leading garbage and trailing junk', () => {
		const junk = Buffer.from('junk before the first frame \xff\xfb\x90 and some more', 'latin1');
		const data = Buffer.concat([junk, frames, Buffer.from([0xff, 0x00, 0x13])]);
		const info = inspectMp3(data);
		expectSameFrames(data, info, source, sourceInfo);
		expect(info.garbageBytes).toBe(junk.length + 3);
		expect(info.garbageRegions).toBe(2);
	});

	it('accepts a resynchronisation only when the following headers confirm it', () => {
		const fake = Buffer.from([0xff, 0xf3, 0x48, 0xc4]); // MPEG-2 Layer III 16 kHz mono 32 kbit/s: a 144-byte frame
		const filler = (n: number) => Buffer.alloc(n, 0x55);
		// a lone header, then one confirmed only by a single follower: both refused
		const lone = Buffer.concat([filler(20), fake, filler(140 + 30)]);
		const pair = Buffer.concat([filler(10), fake, filler(140), fake, filler(140), filler(5)]);
		const data = Buffer.concat([frames.subarray(0, 50 * 144), lone, pair, frames.subarray(50 * 144)]);
		const info = inspectMp3(data);
		expectSameFrames(data, info, source, sourceInfo);
		expect(info.garbageBytes).toBe(lone.length + pair.length);
		expect(info.garbageRegions).toBe(1);
		// three headers in a row are a stream: accepted after the garbage, like real frames would be
		const triple = Buffer.concat([filler(10), fake, filler(140), fake, filler(140), fake, filler(140)]);
		const accepted = inspectMp3(Buffer.concat([frames.subarray(0, 50 * 144), triple, frames.subarray(50 * 144)]));
		expect(accepted.frameCount).toBe(sourceInfo.frameCount + 3);
		expect(accepted.garbageBytes).toBe(10);
	});

	it('does not take a different-format header right after a frame for a frame unless the next header confirms it', () => {
		// a stereo 16 kHz header directly after frame 49, followed by filler: refused (garbage)
		const stereo = Buffer.from([0xff, 0xf3, 0x48, 0x04]);
		const data = Buffer.concat([frames.subarray(0, 50 * 144), stereo, Buffer.alloc(300, 0x55), frames.subarray(50 * 144)]);
		const info = inspectMp3(data);
		expectSameFrames(data, info, source, sourceInfo);
		expect(info.garbageBytes).toBe(304);
	});

	it('follows a change of sample rate and flags the stream as inconsistent', () => {
		const eight = load('cbr-8k-mono.mp3');
		const eightInfo = inspectMp3(eight);
		const data = Buffer.concat([frames, framesOf(eight, eightInfo)]);
		const info = inspectMp3(data);
		expect(info.frameCount).toBe(sourceInfo.frameCount + eightInfo.frameCount);
		expect(info.consistent).toBe(false);
		expect(info.sampleRate).toBe(16000);
		expect(info.garbageBytes).toBe(0);
		expect(info.durationSeconds).toBeCloseTo(sourceInfo.durationSeconds + eightInfo.durationSeconds, 9);
		const parts = splitMp3(data, info, 8192);
		expect(parts[parts.length - 1].endSeconds).toBeCloseTo(info.durationSeconds, 9);
		for (let i = 1; i < parts.length; i++) expect(parts[i].startSeconds).toBe(parts[i - 1].endSeconds);
		const seam = parts.find((part) => part.firstFrame < sourceInfo.frameCount && part.firstFrame + part.frameCount > sourceInfo.frameCount);
		if (seam) {
			const sixteenFrames = sourceInfo.frameCount - seam.firstFrame;
			const expected = (sixteenFrames * 576) / 16000 + ((seam.frameCount - sixteenFrames) * 576) / 8000;
			expect(seam.endSeconds - seam.startSeconds).toBeCloseTo(expected, 9);
		}
	});

	it('recognises a VBRI header frame', () => {
		// Fraunhofer's layout: a frame whose header is followed by 32 bytes, then "VBRI", version,
		// delay, quality, byte count and frame count (big-endian)
		const vbri = Buffer.alloc(144);
		frames.copy(vbri, 0, 0, 4);
		vbri.write('VBRI', 36, 'latin1');
		vbri.writeUInt16BE(1, 40);
		vbri.writeUInt16BE(0x1234, 42);
		vbri.writeUInt16BE(75, 44);
		vbri.writeUInt32BE(frames.length + 144, 46);
		vbri.writeUInt32BE(sourceInfo.frameCount, 50);
		const data = Buffer.concat([vbri, frames]);
		const info = inspectMp3(data);
		expect(info.vbrHeader).toBe('VBRI');
		expect(info.vbrHeaderFrame).toEqual({ kind: 'VBRI', offset: 0, length: 144, bytes: frames.length + 144, frames: sourceInfo.frameCount });
		expectSameFrames(data, info, source, sourceInfo);
	});

	it('reads a Uint8Array view into a larger buffer', () => {
		const backing = new Uint8Array(frames.length + 1000);
		backing.set(frames, 500);
		const view = backing.subarray(500, 500 + frames.length);
		const info = inspectMp3(view);
		expect(info.frameOffsets[0]).toBe(0);
		expectSameFrames(view, info, source, sourceInfo);
		const parts = splitMp3(view, info, 4000);
		expect(parts[0].data.buffer).toBe(backing.buffer);
		expect(parts[0].data.byteOffset).toBe(500);
		expect(Buffer.concat(parts.map((part) => part.data)).equals(Buffer.from(frames))).toBe(true);
	});
});

describe('splitMp3', () => {
	const splitFixtures = mp3Fixtures.filter(([, entry]) => entry.splitCheck);

	it.each(splitFixtures)('%s: parts are valid MP3 holding exactly the original frames', (name, entry) => {
		const data = load(name);
		const info = inspectMp3(data);
		const max = (entry.splitCheck as SplitCheckEntry).maxPartBytes;
		const parts = splitMp3(data, info, max);
		expect(parts.length).toBeGreaterThan(1);
		let frameIndex = 0;
		let duration = 0;
		parts.forEach((part, index) => {
			expect(part.index).toBe(index);
			expect(part.byteLength).toBeLessThanOrEqual(max);
			expect(part.data.length).toBe(part.byteLength);
			expect(part.firstFrame).toBe(frameIndex);
			// greedy: a part ends only where the next frame would not fit
			if (index < parts.length - 1) expect(part.byteLength + info.frameLengths[frameIndex + part.frameCount]).toBeGreaterThan(max);
			const partInfo = inspectMp3(part.data);
			expect(partInfo).toMatchObject({
				mpegVersion: info.mpegVersion,
				sampleRate: info.sampleRate,
				channels: info.channels,
				channelMode: info.channelMode,
				frameCount: part.frameCount,
				garbageBytes: 0,
				truncatedBytes: 0,
				id3v2Bytes: 0,
				id3v1: false,
				trailingTagBytes: 0,
				vbrHeader: undefined,
				audioBytes: part.byteLength,
			});
			// no frame lost or duplicated at the seams: frame by frame, byte for byte
			for (let i = 0; i < part.frameCount; i++) {
				if (Buffer.compare(frame(part.data, partInfo, i), frame(data, info, frameIndex + i)) !== 0) {
					throw new Error(`part ${index} frame ${i} is not original frame ${frameIndex + i}`);
				}
			}
			expect(part.startSeconds).toBe(index === 0 ? 0 : parts[index - 1].endSeconds);
			expect(part.endSeconds - part.startSeconds).toBeCloseTo(partInfo.durationSeconds, 9);
			duration += partInfo.durationSeconds;
			frameIndex += part.frameCount;
		});
		expect(frameIndex).toBe(info.frameCount);
		expect(Math.abs(duration - info.durationSeconds)).toBeLessThan(frameSeconds(info));
		expect(parts[parts.length - 1].endSeconds).toBeCloseTo(info.durationSeconds, 9);
	});

	it.each(splitFixtures)('%s: parts are views of the input unless garbage had to be cut out', (name, entry) => {
		const data = load(name);
		const info = inspectMp3(data);
		for (const part of splitMp3(data, info, (entry.splitCheck as SplitCheckEntry).maxPartBytes)) {
			const first = info.frameOffsets[part.firstFrame];
			const last = part.firstFrame + part.frameCount - 1;
			const contiguous = info.frameOffsets[last] + info.frameLengths[last] - first === part.byteLength;
			if (contiguous) {
				expect(part.data.buffer).toBe(data.buffer);
				expect(part.data.byteOffset).toBe(data.byteOffset + first);
			} else {
				expect(part.data.buffer).not.toBe(data.buffer);
			}
		}
	});

	it.each(splitFixtures)('%s: the parts are the ones the decoders checked', (name, entry) => {
		// fixtures.json holds what FFmpeg and mpg123 said about these very parts (make-fixtures.sh)
		const check = entry.splitCheck as SplitCheckEntry;
		const data = load(name);
		const parts = splitMp3(data, inspectMp3(data), check.maxPartBytes);
		expect(parts.map((part) => createHash('sha256').update(part.data).digest('hex'))).toEqual(
			check.partList.map((part) => part.sha256),
		);
		expect(check.decoders.ffmpeg.errors).toBe(0);
		// mpg123 may only complain about the bit reservoir of a part's first frame, nothing else
		for (const { message } of check.decoders.mpg123.messages) {
			expect(message).toMatch(/part2_3_length \(N\) too large for available bit count \(N\)/);
		}
		expect(check.decoders.mpg123.errors).toBeLessThan(check.parts);
		expect(check.pcm.decodedSamplesEqualFrameCount).toBe(true);
		expect(check.pcm.firstPartFramesDiffering).toBe(0);
		expect(check.pcm.maxFramesAffectedAfterSeam).toBeLessThanOrEqual(4);
	});

	it('cuts the long recording into at least three parts of at most 1 MB', () => {
		const data = load('long-16k-mono.mp3');
		const info = inspectMp3(data);
		expect(info.durationSeconds).toBeGreaterThan(300);
		const parts = splitMp3(data, info, 1048576);
		expect(parts.length).toBeGreaterThanOrEqual(3);
		for (const part of parts) {
			expect(part.byteLength).toBeLessThanOrEqual(1048576);
			expect(part.data.buffer).toBe(data.buffer);
		}
		// the Info frame is in no part
		expect(parts[0].data.byteOffset).toBe(data.byteOffset + (info.vbrHeaderFrame?.length as number));
		const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
		expect(total).toBe(info.audioBytes);
		expect(new Set(parts.map((part) => createHash('sha256').update(part.data).digest('hex'))).size).toBe(parts.length);
	});

	it('copies only the parts that span garbage', () => {
		const data = load('garbage-16k-mono.mp3');
		const info = inspectMp3(data);
		const parts = splitMp3(data, info, 8192);
		const copied = parts.filter((part) => part.data.buffer !== data.buffer);
		expect(copied.length).toBeGreaterThanOrEqual(1);
		expect(copied.length).toBeLessThanOrEqual(2);
		const source = load('speech-16k-mono.mp3');
		expect(Buffer.concat(parts.map((part) => part.data)).equals(framesOf(source, inspectMp3(source)))).toBe(true);
	});

	it('gives one tag-free part when the file fits', () => {
		const data = load('id3v2-id3v1-16k-mono.mp3');
		const info = inspectMp3(data);
		const [part, ...rest] = splitMp3(data, info, 1048576);
		expect(rest).toHaveLength(0);
		expect(part).toMatchObject({ index: 0, firstFrame: 0, frameCount: info.frameCount, startSeconds: 0, byteLength: info.audioBytes });
		expect(part.endSeconds).toBeCloseTo(info.durationSeconds, 9);
		expect(part.data.subarray(0, 3).toString('latin1')).not.toBe('ID3');
		expect(part.data.byteOffset).toBe(data.byteOffset + info.id3v2Bytes);
	});

	it('refuses impossible sizes and foreign info', () => {
		const data = load('cbr-44k-stereo.mp3');
		const info = inspectMp3(data);
		expect(() => splitMp3(data, info, 0)).toThrow(RangeError);
		expect(() => splitMp3(data, info, 1.5)).toThrow(/positive whole number/);
		expect(() => splitMp3(data, info, 300)).toThrow('frame 0 is 417 bytes, larger than the maximum part size of 300 bytes');
		expect(() => splitMp3(load('speech-16k-mono.mp3'), info, 8192)).toThrow(/does not describe these bytes/);
		// parts of exactly one frame each are still valid
		const single = splitMp3(data, info, 418);
		expect(single).toHaveLength(info.frameCount);
		expect(single.every((part) => part.frameCount === 1)).toBe(true);
	});
});
