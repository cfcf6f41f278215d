import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { audioInputProperties, syncAudioInputProperties } from './audio';
import * as createLegacyTask from './createLegacyTask.operation';
import * as createTask from './createTask.operation';
import * as flashRecognize from './flashRecognize.operation';
import * as getTask from './getTask.operation';
import { recTaskProperties } from './recTaskFields';
import * as recognizeSentence from './recognizeSentence.operation';
import * as transcribe from './transcribe.operation';

export { createLegacyTask, createTask, flashRecognize, getTask, recognizeSentence, transcribe };

/**
 * Operations of the Recording Recognition resource: Tencent Cloud ASR recording-file recognition
 * (API 3.0 CreateRecTask / DescribeTaskStatus, version 2019-06-14:
 * docs/tencent-cloud-api.md#asr-createrectask; and the legacy signed API:
 * docs/tencent-legacy-asr.md), and the synchronous recognitions: flash
 * (docs/tencent-flash-asr.md) and SentenceRecognition (docs/tencent-cloud-api.md#asr-sentencerecognition).
 */
export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['recordingRecognition'] } },
		options: [
			{
				name: 'Create Legacy Task',
				value: 'createLegacyTask',
				description: 'Submit a recording to the legacy API (aai.qcloud.com); the result arrives by callback',
				action: 'Create a legacy recognition task',
			},
			{
				name: 'Create Task',
				value: 'createTask',
				description: 'Submit a recording for recognition (CreateRecTask) and return its task ID',
				action: 'Create a recognition task',
			},
			{
				name: 'Flash Recognize',
				value: 'flashRecognize',
				description: 'Recognise a recording of up to 2 hours in seconds, in one request (flash recognition)',
				action: 'Flash recognize a recording',
			},
			{
				name: 'Get Task',
				value: 'getTask',
				description: 'Get the status and result of a recognition task (DescribeTaskStatus)',
				action: 'Get a recognition task',
			},
			{
				name: 'Recognize Sentence',
				value: 'recognizeSentence',
				description: 'Recognise a short recording of up to 60 seconds at once (SentenceRecognition)',
				action: 'Recognize a short sentence',
			},
			{
				name: 'Transcribe',
				value: 'transcribe',
				description: 'Submit a recording and wait for its text',
				action: 'Transcribe a recording',
			},
		],
		default: 'transcribe',
	},
	...createLegacyTask.description,
	...createTask.description,
	...getTask.description,
	...updateDisplayOptions(
		{ show: { resource: ['recordingRecognition'], operation: ['createTask', 'transcribe'] } },
		recTaskProperties,
	),
	...updateDisplayOptions(
		{ show: { resource: ['recordingRecognition'], operation: ['createTask', 'transcribe', 'createLegacyTask'] } },
		audioInputProperties,
	),
	...transcribe.description,
	...updateDisplayOptions(
		{ show: { resource: ['recordingRecognition'], operation: ['flashRecognize', 'recognizeSentence'] } },
		syncAudioInputProperties,
	),
	...flashRecognize.description,
	...recognizeSentence.description,
];
