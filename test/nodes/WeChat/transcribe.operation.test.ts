/** Part time ranges in WeChat Transcribe errors. */
import { clock } from '../../../nodes/WeChat/actions/voice/transcribe.operation';

describe('clock (part time ranges in WeChat errors)', () => {
	it.each([
		[0, '0:00.0'],
		[9.95, '0:10.0'],
		[119.97, '2:00.0'],
		[261.4, '4:21.4'],
		[3599.99, '60:00.0'],
	])('%f s → %s', (seconds, text) => {
		expect(clock(seconds)).toBe(text);
	});
});
