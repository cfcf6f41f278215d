/** Byte counts in messages (nodes/common/errors.ts). */
import { formatBytes } from '../../../nodes/common/errors';

describe('formatBytes', () => {
	it('gives exact bytes with the unit users know', () => {
		expect(formatBytes(1_048_577)).toMatch(/^1,048,577 bytes/);
		expect(formatBytes(0)).toMatch(/^0 bytes/);
	});
});
