import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { route, type NodeOperations } from '../../common/router';
import * as voice from './voice';

/** The WeChat node's resources and their operations. */
export type WeChatType = { voice: 'transcribe' | 'upload' | 'getResult' };

const operations: NodeOperations<WeChatType> = {
	voice: { transcribe: voice.transcribe, upload: voice.upload, getResult: voice.getResult },
};

/** Runs the chosen operation of the WeChat node (see `route`). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await route(this, operations);
}
