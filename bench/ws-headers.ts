/** The stock `ws` client with fixed headers (cookie, Origin), for y-websocket's `WebSocketPolyfill`. */
import { WebSocket as NodeWebSocket, type ClientOptions } from 'ws';

export function withHeaders(headers: Record<string, string>): typeof NodeWebSocket {
	return class extends NodeWebSocket {
		constructor(address: string | URL, protocols?: string | string[], options?: ClientOptions) {
			super(address, protocols, { ...options, headers: { ...options?.headers, ...headers } });
		}
	} as typeof NodeWebSocket;
}
