export interface Logger {
  debug?: (...a: unknown[]) => void;
  info: (...a: unknown[]) => void;
  warn: (...a: unknown[]) => void;
  error: (...a: unknown[]) => void;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
