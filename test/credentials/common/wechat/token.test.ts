/** WeChat's errcode quirk and the token expiry rule (credentials/common/wechat/token.ts). */
import { TOKEN_REFRESH_MARGIN_MS, tokenNeedsRefresh, weChatErrcode } from '../../../../credentials/common/wechat/token';

describe('weChatErrcode (docs/wechat.md#voice-upload: errcode is sometimes the string "0")', () => {
	it.each([
		[{ errcode: 0 }, 0],
		[{ errcode: '0' }, 0],
		[{ errcode: 40001 }, 40001],
		[{ errcode: '40001' }, 40001],
		[{ errcode: -1 }, -1],
		[{}, 0],
		[undefined, 0],
		[{ errcode: '' }, 0],
		[{ errcode: 'oops' }, -1],
	])('%j → %i', (body, code) => {
		expect(weChatErrcode(body as never)).toBe(code);
	});
});

describe('tokenNeedsRefresh', () => {
	const now = 1_700_000_000_000;
	it('refreshes a missing token and one expiring within the margin, reuses one that is valid', () => {
		expect(tokenNeedsRefresh({}, now)).toBe(true);
		expect(tokenNeedsRefresh({ accessToken: 't', expiresAt: now + TOKEN_REFRESH_MARGIN_MS - 1 }, now)).toBe(true);
		expect(tokenNeedsRefresh({ accessToken: 't', expiresAt: now + TOKEN_REFRESH_MARGIN_MS + 1 }, now)).toBe(false);
		// a token without a stamp (stored by an older version) is used until WeChat says otherwise
		expect(tokenNeedsRefresh({ accessToken: 't' }, now)).toBe(false);
	});
});
