import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from '../emulator.js';

export async function handlePages(
  _core: EmulatorCore,
  _req: IncomingMessage,
  res: ServerResponse,
  _url: URL,
  _raw: string,
): Promise<void> {
  res.writeHead(404).end();
}
