// Tests run server modules in plain Node, where the real `server-only` guard would throw.
export {};
