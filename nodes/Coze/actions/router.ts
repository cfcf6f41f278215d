import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { route, type NodeOperations } from '../../common/router';
import * as audio from './audio';

/** The Coze node's resources and their operations. */
export type CozeType = { audio: 'transcribe' };

const operations: NodeOperations<CozeType> = {
	audio: { transcribe: audio.transcribe },
};

/** Runs the chosen operation of the Coze node (see `route`). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await route(this, operations);
}
