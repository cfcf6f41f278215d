/** Coze in the editor: the Transcribe output (text first) matches its output schema file. */
import { Coze } from '../../../nodes/Coze/Coze.node';
import { CozeApi } from '../../../credentials/CozeApi.credentials';
import { TranscriptRegistry } from '../../emulators/common';
import { startCozeEmulator } from '../../emulators/coze';
import { fixture, fixtureText } from '../../helpers/fixtures';
import { binaryItem, createExecuteContext } from '../../helpers/n8nContext';
import { expectConformsToSchema, readOutputSchema } from '../../helpers/outputSchema';

const SPEECH = fixture('speech-16k-mono.mp3');
const WAV = fixture('speech-16k-mono.wav');
const TOKEN = 'pat_editorTokenForTests0123456789';

it('Transcribe outputs match the schema file, text first, with and without durationSeconds', async () => {
	const transcripts = new TranscriptRegistry();
	transcripts.register(SPEECH, fixtureText('speech-16k-mono.mp3'));
	const emulator = await startCozeEmulator({ tokens: { [TOKEN]: { scopes: ['createTranscription'] } }, transcripts });
	try {
		const schema = readOutputSchema('Coze', 'audio', 'transcribe');
		const pcm = Buffer.alloc(3200, 1);
		const test = createExecuteContext({
			node: new Coze(),
			parameters: (itemIndex) => ({ resource: 'audio', operation: 'transcribe', options: itemIndex === 2 ? { fileName: 'call.pcm' } : {} }),
			items: [binaryItem(SPEECH, 'speech.mp3'), binaryItem(WAV, 'speech.wav', 'audio/wav'), binaryItem(pcm, 'call.pcm', 'application/octet-stream')],
			credentials: { cozeApi: { accessToken: TOKEN, baseUrl: 'custom', customBaseUrl: emulator.url } },
			credentialTypes: { cozeApi: new CozeApi() },
		});
		const [output] = await new Coze().execute.call(test.ctx);
		expect(output).toHaveLength(3);
		for (const item of output) {
			expect(Object.keys(item.json)[0]).toBe('text');
			expectConformsToSchema(item.json, schema);
		}
		expect(output[2].json.durationSeconds).toBeUndefined();
	} finally {
		await emulator.close();
	}
});
