/**
 * Tencent Cloud API 3.0 services this package calls: the vendor host (whose first label is the
 * service name signed by TC3) and the API version. Source: docs/tencent-cloud-api.md (each
 * action's section names its version).
 */
export const TENCENT_SERVICES = {
	ccc: { host: 'ccc.tencentcloudapi.com', version: '2020-02-10' },
	asr: { host: 'asr.tencentcloudapi.com', version: '2019-06-14' },
	cam: { host: 'cam.tencentcloudapi.com', version: '2019-01-16' },
} as const;

/** A service key of {@link TENCENT_SERVICES}. */
export type TencentService = keyof typeof TENCENT_SERVICES;

/** Vendor name of API 3.0 errors in messages. */
export const TENCENT_CLOUD = 'Tencent Cloud';
