import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { route, type NodeOperations } from '../../common/router';
import * as ivrAudio from './ivrAudio';

/** The Tencent Cloud Contact Center node's resources and their operations. */
export type TencentCloudCccType = { ivrAudio: 'upload' | 'getMany' };

const operations: NodeOperations<TencentCloudCccType> = {
	ivrAudio: { upload: ivrAudio.upload, getMany: ivrAudio.getMany },
};

/** Runs the chosen operation of the Tencent Cloud Contact Center node (see `route`). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await route(this, operations);
}
