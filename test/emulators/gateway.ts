/**
 * A path-routing reverse proxy: one base URL in front of several emulators, the way a private
 * gateway fronts Tencent Cloud's hosts (used by the e2e run and by the node tests of gateway
 * failures). The Tencent Cloud credential sends every request to its one custom endpoint, so
 * flash recognition (`/asr/flash/v1/…`), the legacy ASR API (`/asr/v1/…`) and API 3.0 (`/`) must
 * share it: {@link tencentGatewayRoutes} gives those routes in the right order. Requests are
 * forwarded unchanged (method, path, query, headers including `Host`, body), so the emulators
 * verify the signatures exactly as the node computed them.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'undici';

import { readBody, startServer, type RunningServer } from './common';

/** A route: requests whose path starts with `prefix` go to `target` (base URL, no trailing slash). */
export interface GatewayRoute {
	prefix: string;
	target: string;
}

/** Bodies up to this size are forwarded, bytes: above flash recognition's 100 MB, so its own 4011 answers. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
	}
	return out;
}

/**
 * The routes of a gateway in front of the Tencent emulators, longest prefix first: flash
 * recognition at `/asr/flash/v1/`, the legacy API at `/asr/v1/`, API 3.0 at `/`. Omitted
 * emulators get no route (their paths then fall through to the next matching one, or 404).
 */
export function tencentGatewayRoutes(targets: { api?: { url: string }; legacy?: { url: string }; flash?: { url: string } }): GatewayRoute[] {
	const routes: GatewayRoute[] = [];
	if (targets.flash) routes.push({ prefix: '/asr/flash/v1/', target: targets.flash.url });
	if (targets.legacy) routes.push({ prefix: '/asr/v1/', target: targets.legacy.url });
	if (targets.api) routes.push({ prefix: '/', target: targets.api.url });
	return routes;
}

/** A running gateway. */
export interface Gateway extends RunningServer {
	/** Requests received, in order (`forwarded` false when answered by {@link Gateway.failNext}). */
	readonly requests: Array<{ method: string; path: string; forwarded: boolean }>;
	/**
	 * The next `count` requests are read whole but NOT forwarded, and answered with HTTP `status`
	 * and an nginx-style HTML page, as a gateway answers when its upstream is down.
	 */
	failNext(status: number, count?: number): void;
}

/**
 * Starts the gateway on 127.0.0.1 (free port). Routes are tried in order (put longer prefixes
 * first); a request no route matches gets 404, as a gateway without that route answers.
 */
export async function startGateway(routes: GatewayRoute[]): Promise<Gateway> {
	const requests: Gateway['requests'] = [];
	const failures: number[] = [];
	const server = await startServer(async (req, res) => {
		const path = req.url ?? '/';
		const failure = failures.shift();
		if (failure !== undefined) {
			await readBody(req, MAX_BODY_BYTES);
			requests.push({ method: req.method ?? 'GET', path, forwarded: false });
			res.writeHead(failure, { 'content-type': 'text/html' }).end(`<html><head><title>${failure}</title></head><body><center><h1>${failure}</h1></center><hr><center>nginx</center></body></html>`);
			return;
		}
		requests.push({ method: req.method ?? 'GET', path, forwarded: true });
		const route = routes.find((candidate) => path.startsWith(candidate.prefix));
		if (!route) {
			res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route for ${path}`);
			return;
		}
		const body = await readBody(req, MAX_BODY_BYTES);
		const headers = forwardable(req.headers);
		delete headers['content-length'];
		const answer = await request(`${route.target}${path}`, {
			method: (req.method ?? 'GET') as 'GET',
			headers,
			body: body.length > 0 ? body : undefined,
		});
		const responseHeaders = forwardable(answer.headers as IncomingHttpHeaders);
		const data = Buffer.from(await answer.body.arrayBuffer());
		delete responseHeaders['content-length'];
		res.writeHead(answer.statusCode, { ...responseHeaders, 'content-length': String(data.length) });
		res.end(data);
	});
	return {
		...server,
		requests,
		failNext: (status: number, count = 1) => {
			for (let index = 0; index < count; index++) failures.push(status);
		},
	};
}
