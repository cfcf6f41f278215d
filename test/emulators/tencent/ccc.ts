/**
 * Cloud Contact Center (CCC, 2020-02-10): `UploadIvrAudio` (docs/tencent-cloud-api.md#contact-center-uploadivraudio),
 * `DescribeIvrAudioList` (#contact-center-describeivraudiolist) and `DescribeCCCBuyInfoList`
 * (#contact-center-describecccbuyinfolist; https://cloud.tencent.com/document/product/679/65435).
 * Parameter and answer shapes follow the official SDK models (TencentCloud/tencentcloud-sdk-nodejs
 * `src/services/ccc/v20200210/ccc_models.ts`).
 *
 * Emulator choices where the vendor's behaviour is not documented (each noted where it applies):
 * unknown SdkAppId → `InvalidParameterValue.InstanceNotExist` (CCC SDK error list);
 * DescribeIvrAudioList `PageSize` and `PageNumber` are REQUIRED (SDK model), files listed in
 * FileId order; at most 20 files per UploadIvrAudio request; an uploaded file is reviewed after
 * `reviewSeconds` (approved, or rejected when its name contains "reject"); DescribeCCCBuyInfoList
 * leaves SdkAppIds that do not exist out of the list and treats an empty `SdkAppIds` like none.
 */
import { randomUUID } from 'node:crypto';
import { detectAudioFormat } from '../audio';
import { downloadAudio, type EmulatorClock } from '../common';
import { intParam, invalidValue, TencentApiError, type ActionDefinition } from './api';
import type { JsonValue } from './tc3';

/** Emulator limits of CCC (bytes, counts). */
export const CCC_LIMITS = {
	/** IVR audio file size, bytes: 5 MB (docs/tencent-cloud-api.md#contact-center-uploadivraudio). */
	ivrAudioBytes: 5 * 1024 * 1024,
	/** IVR files per account per day (Beijing calendar day). */
	ivrFilesPerDay: 50,
	/** Files per UploadIvrAudio request: UNDOCUMENTED, emulator choice. */
	ivrFilesPerRequest: 20,
	/** DescribeIvrAudioList PageSize upper bound (SDK model: 上限 50). */
	ivrPageSizeMax: 50,
} as const;

/** An accepted IVR audio file (CCC AudioFileInfo plus emulator bookkeeping). */
export interface IvrUploadRecord {
	FileId: number;
	CustomFileName: string;
	AudioFileName: string;
	/** 0 not yet reviewed, 1 approved, 2 rejected (docs/tencent-cloud-api.md#contact-center-uploadivraudio). */
	Status: 0 | 1 | 2;
	SdkAppId: number;
	AudioUrl: string;
	/** Size of the downloaded file, bytes. */
	bytes: number;
	format: 'mp3' | 'wav';
	/** Emulator clock at upload, epoch seconds. */
	uploadedAt: number;
	/** True once reviewed (by approveAll() or after reviewSeconds). */
	reviewed: boolean;
	/** RequestId of the UploadIvrAudio request that created it. */
	requestId: string;
}

/** CCC `StaffBuyInfo` (SDK model): seats bought, epoch seconds. */
export interface StaffBuyInfo {
	Num: number;
	BuyTime: number;
	EndTime: number;
	SipNum: number;
}

/** CCC `PhoneNumBuyInfo` (SDK model). */
export interface PhoneNumBuyInfo {
	PhoneNum: string;
	/** 0 landline, 1 virtual operator, 2 carrier, 3 400 number. */
	Type: number;
	/** 1 inbound, 2 outbound, 3 both. */
	CallType: number;
	BuyTime: number;
	EndTime: number;
	/** 1 normal, 2 suspended for arrears, 4 suspended by the administrator, 5 suspended for violations. */
	State: number;
}

/** CCC `SdkAppIdBuyInfo` (SDK model): one application's purchases. */
export interface SdkAppIdBuyInfo {
	SdkAppId: number;
	Name: string;
	StaffBuyNum: number;
	StaffBuyList: StaffBuyInfo[];
	PhoneNumBuyList: PhoneNumBuyInfo[];
	SipBuyNum: number;
}

/** CCC `PackageBuyInfo` (SDK model). */
export interface PackageBuyInfo {
	PackageId: string;
	/** 0 outbound package, 1 400 inbound package. */
	Type: number;
	CapacitySize: number;
	CapacityRemain: number;
	BuyTime: number;
	EndTime: number;
}

/** What DescribeCCCBuyInfoList answers. */
export interface CccBuyInfoOptions {
	/** Purchase info per SdkAppId; apps of `sdkAppIds` without an entry get one seat and no numbers. */
	apps?: Record<number, Partial<Omit<SdkAppIdBuyInfo, 'SdkAppId'>>>;
	/** `PackageBuyList`. Default []. */
	packages?: PackageBuyInfo[];
	/**
	 * The `TotalCount` answered. The official example answers `"TotalCount": 0` with one
	 * application in the list, so clients must not rely on it: `zero` (default, as the example),
	 * `count` (the list length), or a fixed number.
	 */
	totalCount?: 'zero' | 'count' | number;
}

/** Options of {@link createCccService}. */
export interface CccServiceOptions {
	/** The CCC applications that exist (SdkAppId). */
	sdkAppIds: number[];
	clock: EmulatorClock;
	/** Seconds of emulator clock after which an uploaded IVR file is reviewed. Default 60. */
	reviewSeconds?: number;
	/** What UploadIvrAudio puts in `FailedFileList[].FileName`: `custom` (default) or `opaque`. */
	failedFileName?: 'custom' | 'opaque';
	buyInfo?: CccBuyInfoOptions;
}

/** The CCC part of the emulator: its actions and its state. */
export interface CccService {
	actions: Record<string, ActionDefinition>;
	/** Accepted IVR files (statuses refreshed on read). */
	readonly uploads: IvrUploadRecord[];
	approveAll(): void;
	setDailyUploads(count: number): void;
}

/** Creates the CCC actions over fresh state. */
export function createCccService(options: CccServiceOptions): CccService {
	const { clock } = options;
	const reviewSeconds = options.reviewSeconds ?? 60;
	const uploads: IvrUploadRecord[] = [];
	let nextFileId = 1001;
	let daily = { day: '', count: 0 };

	const beijingDay = (): string => new Date((clock.nowSeconds() + 8 * 3600) * 1000).toISOString().slice(0, 10);
	const dailyCount = (): number => {
		if (daily.day !== beijingDay()) {
			daily = { day: beijingDay(), count: 0 };
		}
		return daily.count;
	};
	const refreshUploads = (): void => {
		const now = clock.nowSeconds();
		for (const upload of uploads) {
			if (!upload.reviewed && now >= upload.uploadedAt + reviewSeconds) {
				upload.reviewed = true;
			}
			if (upload.reviewed) {
				upload.Status = upload.CustomFileName.includes('reject') ? 2 : 1;
			}
		}
	};
	const requireApp = (params: Record<string, JsonValue>): number => {
		const sdkAppId = intParam(params, 'SdkAppId')!;
		if (!options.sdkAppIds.includes(sdkAppId)) {
			throw new TencentApiError('InvalidParameterValue.InstanceNotExist', `SdkAppId \`${sdkAppId}\` does not exist.`);
		}
		return sdkAppId;
	};

	const uploadIvrAudio = async (params: Record<string, JsonValue>, requestId: string): Promise<Record<string, unknown>> => {
		const sdkAppId = requireApp(params);
		const list = params.AudioList as Array<{ CustomFileName: string; AudioUrl: string }>;
		if (list.length === 0) {
			throw invalidValue('The parameter `AudioList` must not be empty.');
		}
		if (list.length > CCC_LIMITS.ivrFilesPerRequest) {
			throw invalidValue(`The parameter \`AudioList\` holds more than ${CCC_LIMITS.ivrFilesPerRequest} files.`);
		}
		list.forEach((item, index) => {
			if (item.CustomFileName.trim() === '') {
				throw invalidValue(`The parameter \`AudioList.${index}.CustomFileName\` must not be empty.`);
			}
		});
		const today = dailyCount();
		if (today + list.length > CCC_LIMITS.ivrFilesPerDay) {
			throw new TencentApiError(
				'FailedOperation.UploadFileOverflow',
				`Number of uploaded files exceeds the limit: ${CCC_LIMITS.ivrFilesPerDay} files per day, ${today} uploaded today, ${list.length} in this request.`,
			);
		}
		const results = await Promise.all(
			list.map(async (item) => {
				const failed = (FailedMsg: string) => ({
					failed: { FileName: options.failedFileName === 'opaque' ? `upload_${randomUUID().slice(0, 8)}` : item.CustomFileName, FailedMsg },
				});
				let extension = '';
				try {
					const path = new URL(item.AudioUrl).pathname;
					const dot = path.lastIndexOf('.');
					extension = dot > path.lastIndexOf('/') ? path.slice(dot + 1).toLowerCase() : '';
				} catch {
					return failed('download file failed');
				}
				if (extension !== '' && extension !== 'mp3' && extension !== 'wav') {
					return failed('file format not supported');
				}
				const download = await downloadAudio(item.AudioUrl, { limitBytes: CCC_LIMITS.ivrAudioBytes });
				if (!download.ok) {
					return failed(download.reason === 'too-large' ? 'file size exceeds limit' : 'download file failed');
				}
				const format = detectAudioFormat(download.bytes);
				if (format !== 'mp3' && format !== 'wav') {
					return failed('file format not supported');
				}
				return { ok: { item, bytes: download.bytes.length, format } };
			}),
		);
		const success: IvrUploadRecord[] = [];
		const failedList: Array<{ FileName: string; FailedMsg: string }> = [];
		for (const result of results) {
			if ('failed' in result) {
				failedList.push(result.failed);
				continue;
			}
			const fileId = nextFileId;
			nextFileId += 1;
			const record: IvrUploadRecord = {
				FileId: fileId,
				CustomFileName: result.ok.item.CustomFileName,
				AudioFileName: `ivr_${sdkAppId}_${fileId}_${randomUUID().slice(0, 8)}.mp3`,
				Status: 0,
				SdkAppId: sdkAppId,
				AudioUrl: result.ok.item.AudioUrl,
				bytes: result.ok.bytes,
				format: result.ok.format,
				uploadedAt: clock.nowSeconds(),
				reviewed: false,
				requestId,
			};
			uploads.push(record);
			success.push(record);
			daily.count += 1;
		}
		return {
			FailedFileList: failedList.length > 0 ? failedList : null,
			SuccessFileList:
				success.length > 0
					? success.map((file) => ({
							FileId: file.FileId,
							CustomFileName: file.CustomFileName,
							AudioFileName: file.AudioFileName,
							Status: file.Status,
						}))
					: null,
		};
	};

	const describeIvrAudioList = (params: Record<string, JsonValue>): Record<string, unknown> => {
		const sdkAppId = requireApp(params);
		const pageSize = intParam(params, 'PageSize')!;
		const pageNumber = intParam(params, 'PageNumber')!;
		if (pageSize < 1 || pageSize > CCC_LIMITS.ivrPageSizeMax) {
			throw invalidValue(`The value of parameter \`PageSize\` must be between 1 and ${CCC_LIMITS.ivrPageSizeMax}.`);
		}
		if (pageNumber < 0) {
			throw invalidValue('The value of parameter `PageNumber` must not be negative.');
		}
		refreshUploads();
		const names = params.CustomFileName as string[] | undefined;
		const fileNames = params.AudioFileName as string[] | undefined;
		const ids = (params.FileId as Array<number | bigint> | undefined)?.map((id) => String(id));
		const matching = uploads.filter(
			(file) =>
				file.SdkAppId === sdkAppId &&
				(!names || names.includes(file.CustomFileName)) &&
				(!fileNames || fileNames.includes(file.AudioFileName)) &&
				(!ids || ids.includes(String(file.FileId))),
		);
		const page = matching.slice(pageNumber * pageSize, (pageNumber + 1) * pageSize);
		return {
			TotalCount: matching.length,
			FileInfo: page.map((file) => ({
				FileId: file.FileId,
				CustomFileName: file.CustomFileName,
				AudioFileName: file.AudioFileName,
				Status: file.Status,
			})),
		};
	};

	// One seat bought 30 days before the emulator started, valid for a year.
	const startedAt = clock.nowSeconds();
	const buyInfoOf = (sdkAppId: number): SdkAppIdBuyInfo => {
		const custom = options.buyInfo?.apps?.[sdkAppId] ?? {};
		const staff = custom.StaffBuyList ?? [{ Num: 1, BuyTime: startedAt - 30 * 86400, EndTime: startedAt + 335 * 86400, SipNum: 0 }];
		return {
			SdkAppId: sdkAppId,
			Name: custom.Name ?? `CCC ${sdkAppId}`,
			StaffBuyNum: custom.StaffBuyNum ?? staff.reduce((sum, item) => sum + item.Num, 0),
			StaffBuyList: staff,
			PhoneNumBuyList: custom.PhoneNumBuyList ?? [],
			SipBuyNum: custom.SipBuyNum ?? staff.reduce((sum, item) => sum + item.SipNum, 0),
		};
	};
	const describeCccBuyInfoList = (params: Record<string, JsonValue>): Record<string, unknown> => {
		const filter = (params.SdkAppIds as Array<number | bigint> | undefined)?.map((id) => String(id));
		const apps = options.sdkAppIds.filter((id) => !filter || filter.length === 0 || filter.includes(String(id))).map(buyInfoOf);
		const total = options.buyInfo?.totalCount ?? 'zero';
		return {
			TotalCount: total === 'zero' ? 0 : total === 'count' ? apps.length : total,
			SdkAppIdBuyList: apps,
			PackageBuyList: options.buyInfo?.packages ?? [],
		};
	};

	return {
		actions: {
			UploadIvrAudio: {
				service: 'ccc',
				ratePerSecond: 1,
				params: {
					SdkAppId: { type: 'integer', required: true },
					AudioList: {
						type: 'object[]',
						required: true,
						fields: { CustomFileName: { type: 'string', required: true }, AudioUrl: { type: 'string', required: true } },
					},
				},
				handle: async (params, context) => await uploadIvrAudio(params, context.requestId),
			},
			DescribeIvrAudioList: {
				service: 'ccc',
				ratePerSecond: 20,
				params: {
					SdkAppId: { type: 'integer', required: true },
					PageSize: { type: 'integer', required: true },
					PageNumber: { type: 'integer', required: true },
					CustomFileName: { type: 'string[]' },
					AudioFileName: { type: 'string[]' },
					FileId: { type: 'integer[]' },
				},
				handle: describeIvrAudioList,
			},
			DescribeCCCBuyInfoList: {
				service: 'ccc',
				ratePerSecond: 20,
				params: { SdkAppIds: { type: 'integer[]' } },
				handle: describeCccBuyInfoList,
			},
		},
		get uploads() {
			refreshUploads();
			return uploads;
		},
		approveAll: () => {
			for (const upload of uploads) {
				upload.reviewed = true;
			}
			refreshUploads();
		},
		setDailyUploads: (count: number) => {
			daily = { day: beijingDay(), count };
		},
	};
}
