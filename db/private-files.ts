import fs from 'node:fs';
import path from 'node:path';

/**
 * `.data/` holds the embedded database, its password, the auth secret and the emulator's state:
 * directories 0700 and files 0600, whatever the umask, including what an older version created.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

export function writePrivateFile(file: string, data: string): void {
  ensurePrivateDir(path.dirname(file));
  fs.writeFileSync(file, data, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/** Tightens a whole tree to 0700 directories and 0600 files. */
export function restrictTree(root: string): void {
  if (!fs.existsSync(root)) return;
  const walk = (dir: string) => {
    fs.chmodSync(dir, 0o700);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) fs.chmodSync(full, 0o600);
    }
  };
  walk(root);
}

/** A random secret kept in a 0600 file: created once, then read back. */
export function persistentSecret(file: string, generate: () => string): string {
  if (fs.existsSync(file)) {
    fs.chmodSync(file, 0o600);
    return fs.readFileSync(file, 'utf8').trim();
  }
  const secret = generate();
  writePrivateFile(file, secret);
  return secret;
}
