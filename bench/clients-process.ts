/**
 * The benchmark's devices (bench/clients.ts) in a process of their own, and a way to ask them
 * for one thing at a time: each command is answered by one message, in order.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { ClientCommand } from './clients';

export type Reply = Record<string, unknown> & { ok: boolean };

export interface ClientsProcess {
	child: ChildProcess;
	/** Resolves once the process is listening for commands. */
	ready: Promise<Reply>;
	ask<T extends Reply>(command: ClientCommand): Promise<T>;
}

export function forkClients(env: NodeJS.ProcessEnv = process.env): ClientsProcess {
	const child = fork(new URL('./clients.ts', import.meta.url), [], {
		execArgv: ['--import', 'tsx'],
		env
	});
	const replies: ((reply: Reply) => void)[] = [];
	child.on('message', (reply: Reply) => replies.shift()?.(reply));
	const ready = new Promise<Reply>((resolve) => replies.push(resolve));
	return {
		child,
		ready,
		ask: <T extends Reply>(command: ClientCommand) =>
			new Promise<T>((resolve) => {
				replies.push(resolve as (reply: Reply) => void);
				child.send(command);
			})
	};
}
