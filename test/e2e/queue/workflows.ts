/**
 * The workflows of the queue-mode run. Production webhooks start them, so that they run on the
 * workers (`n8n execute` does not offload to workers: docs/n8n.md#queue-mode):
 * - WeChat Transcribe and Contact Center Upload behind n8n's Webhook node ("Respond: When Last
 *   Node Finishes", first entry JSON): the caller gets the result of the run, with the execution
 *   id, back on its request;
 * - Tencent Cloud ASR Trigger workflows in both reply modes, fast (trigger → Set) and slow
 *   (trigger → Wait 6 s → Set: long enough to kill a worker mid-run).
 */
import type { WorkflowFixture } from '../n8n';

/** Workflow ids (at most 21 characters). */
export const QWF = {
	wechat: 'cnQueueWeChat01',
	ccc: 'cnQueueCcc01',
	received: 'cnQueueCbRx01',
	finished: 'cnQueueCbFin01',
	slowReceived: 'cnQueueSlowRx01',
	slowFinished: 'cnQueueSlowFin01',
} as const;

/** Node names the tests read outputs from. */
export const TRIGGER_NODE = 'Tencent Cloud ASR Trigger';
export const WEBHOOK_NODE = 'Webhook';

/** The credentials every queue workflow refers to (same ids as the e2e credentials). */
export const CREDENTIAL_IDS = { wechat: 'cnSpeechWeChat01', tencent: 'cnSpeechTencent01' } as const;

let counter = 0;
function uuid(): string {
	counter += 1;
	return `7e1f0c52-5a1b-4c3d-9e8f-${String(counter).padStart(12, '0')}`;
}

type NodeSpec = { name: string; type: string; typeVersion: number; parameters: Record<string, unknown>; [key: string]: unknown };

function chain(id: string, name: string, nodes: NodeSpec[]): WorkflowFixture {
	const connections: Record<string, unknown> = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] };
	}
	return {
		id,
		name,
		nodes: nodes.map((node, index) => ({ id: uuid(), position: [index * 220, 0], ...node })),
		connections,
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

function webhookNode(path: string): NodeSpec {
	return {
		name: WEBHOOK_NODE,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: uuid(),
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
	};
}

function setNode(name: string, fields: Array<[string, string, 'string' | 'number' | 'boolean']>): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		parameters: {
			assignments: { assignments: fields.map(([field, value, type]) => ({ id: uuid(), name: field, value, type })) },
			options: {},
		},
	};
}

function triggerNode(path: string, reply: 'whenReceived' | 'whenFinished', token: string): NodeSpec {
	return {
		name: TRIGGER_NODE,
		type: 'n8n-nodes-cn-speech.tencentCloudAsrTrigger',
		typeVersion: 1,
		webhookId: uuid(),
		parameters: { path, reply, options: { callbackToken: token } },
	};
}

const TRANSCRIPT_FIELDS: Array<[string, string, 'string' | 'number' | 'boolean']> = [
	['taskId', '={{ $json.taskId }}', 'string'],
	['text', '={{ $json.text }}', 'string'],
	['executionId', '={{ $execution.id }}', 'string'],
];

/** Every queue workflow; `token` is the trigger workflows' callback token. */
export function queueWorkflows(token: string, sdkAppId: number): WorkflowFixture[] {
	return [
		chain(QWF.wechat, 'Queue: WeChat transcribe from a webhook', [
			webhookNode('cn-queue-wechat'),
			{
				name: 'WeChat',
				type: 'n8n-nodes-cn-speech.weChat',
				typeVersion: 1,
				parameters: {
					resource: 'voice',
					operation: 'transcribe',
					inputType: 'url',
					audioUrl: '={{ $json.body.audioUrl }}',
					language: '={{ $json.body.language }}',
					options: {},
				},
				credentials: { weChatApi: { id: CREDENTIAL_IDS.wechat, name: 'WeChat account' } },
			},
			setNode('Result', [
				['text', '={{ $json.text }}', 'string'],
				['voiceId', '={{ $json.voiceId }}', 'string'],
				['complete', '={{ $json.complete }}', 'boolean'],
				['notice', "={{ $json.notice ?? '' }}", 'string'],
				['executionId', '={{ $execution.id }}', 'string'],
			]),
		]),
		chain(QWF.ccc, 'Queue: Contact Center IVR upload from a webhook', [
			webhookNode('cn-queue-ccc'),
			{
				name: 'Upload IVR Audio',
				type: 'n8n-nodes-cn-speech.tencentCloudCcc',
				typeVersion: 1,
				parameters: {
					resource: 'ivrAudio',
					operation: 'upload',
					sdkAppId,
					customFileName: '={{ $json.body.name }}',
					audioUrl: '={{ $json.body.audioUrl }}',
				},
				credentials: { tencentCloudApi: { id: CREDENTIAL_IDS.tencent, name: 'Tencent Cloud account' } },
			},
			setNode('Result', [
				['fileId', '={{ $json.FileId }}', 'number'],
				['customFileName', '={{ $json.CustomFileName }}', 'string'],
				['executionId', '={{ $execution.id }}', 'string'],
			]),
		]),
		chain(QWF.received, 'Queue: ASR callbacks, reply when received', [
			triggerNode('cn-queue-received', 'whenReceived', token),
			setNode('Transcript', TRANSCRIPT_FIELDS),
		]),
		chain(QWF.finished, 'Queue: ASR callbacks, reply when finished', [
			triggerNode('cn-queue-finished', 'whenFinished', token),
			setNode('Transcript', TRANSCRIPT_FIELDS),
		]),
		chain(QWF.slowReceived, 'Queue: slow ASR callbacks, reply when received', [
			triggerNode('cn-queue-slow-received', 'whenReceived', token),
			{ name: 'Wait', type: 'n8n-nodes-base.wait', typeVersion: 1.1, webhookId: uuid(), parameters: { resume: 'timeInterval', amount: 6, unit: 'seconds' } },
			setNode('Transcript', TRANSCRIPT_FIELDS),
		]),
		chain(QWF.slowFinished, 'Queue: slow ASR callbacks, reply when finished', [
			triggerNode('cn-queue-slow-finished', 'whenFinished', token),
			{ name: 'Wait', type: 'n8n-nodes-base.wait', typeVersion: 1.1, webhookId: uuid(), parameters: { resume: 'timeInterval', amount: 6, unit: 'seconds' } },
			setNode('Transcript', TRANSCRIPT_FIELDS),
		]),
	];
}
