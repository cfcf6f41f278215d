/**
 * CAM (2019-01-16) `GetUserAppId`: the account behind the key, what the credential test calls
 * (docs/tencent-cloud-api.md#cam-getuserappid). No parameters; answers `Uin`, `OwnerUin` and
 * `AppId`. Its rate limit is an emulator choice: 20 requests per second.
 */
import type { ActionDefinition } from './api';

/** The account the emulated CAM answers for. */
export interface CamAccount {
	/** The account AppId. */
	appId: number;
	/** The account Uin (also answered as OwnerUin), a decimal string. */
	uin: string;
}

/** The CAM actions of the emulator, keyed by action name. */
export function createCamService(account: CamAccount): Record<string, ActionDefinition> {
	return {
		GetUserAppId: {
			service: 'cam',
			ratePerSecond: 20,
			params: {},
			handle: () => ({ Uin: account.uin, OwnerUin: account.uin, AppId: account.appId }),
		},
	};
}
