/** Audio container sniffing and declared formats (nodes/common/audio/formats.ts). */
import { declaredAudioFormat, sniffAudioFormat } from '../../../../nodes/common/audio/formats';

describe('sniffAudioFormat / declaredAudioFormat', () => {
	it('recognises containers by their bytes, not their names', () => {
		expect(sniffAudioFormat(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBe('wav');
		expect(sniffAudioFormat(Buffer.from('ID3\x04\0\0\0\0\0\0'))).toBe('mp3');
		expect(sniffAudioFormat(Buffer.from([0xff, 0xf3, 0x44, 0xc4]))).toBe('mp3');
		expect(sniffAudioFormat(Buffer.from([0xff, 0xf1, 0x50, 0x80]))).toBe('aac');
		expect(sniffAudioFormat(Buffer.from('#!AMR\n'))).toBe('amr');
		expect(sniffAudioFormat(Buffer.from('hello, not audio'))).toBeUndefined();
		expect(sniffAudioFormat(Buffer.alloc(2))).toBeUndefined();
	});

	it('reads the declared format from the extension first, else the MIME type', () => {
		expect(declaredAudioFormat('PCM', 'audio/mpeg')).toBe('pcm');
		expect(declaredAudioFormat('', 'audio/x-wav; charset=binary')).toBe('wav');
		expect(declaredAudioFormat('', 'application/octet-stream')).toBeUndefined();
	});
});
