import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { route, type NodeOperations } from '../../common/router';
import * as recordingRecognition from './recordingRecognition';

/** The Tencent Cloud ASR node's resources and their operations. */
export type TencentCloudAsrType = {
	recordingRecognition: 'createTask' | 'getTask' | 'transcribe' | 'createLegacyTask' | 'flashRecognize' | 'recognizeSentence';
};

const operations: NodeOperations<TencentCloudAsrType> = {
	recordingRecognition: {
		createTask: recordingRecognition.createTask,
		getTask: recordingRecognition.getTask,
		transcribe: recordingRecognition.transcribe,
		createLegacyTask: recordingRecognition.createLegacyTask,
		flashRecognize: recordingRecognition.flashRecognize,
		recognizeSentence: recordingRecognition.recognizeSentence,
	},
};

/** Runs the chosen operation of the Tencent Cloud ASR node (see `route`). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await route(this, operations);
}
