/**
 * Atomic file output. Every result and figure is written to a temporary file
 * in the same directory and renamed into place, so an interrupted run never
 * leaves a half-written file and never destroys the previous one.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Writes `data` to `file` atomically (temp file + rename), creating parent directories. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Writes `value` as pretty JSON atomically. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + "\n");
}

/** The package's root directory (where package.json lives), found from this module. */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error("kcdl: cannot find package.json above " + __dirname);
    dir = up;
  }
  return dir;
}

/** The package version from package.json. */
export function kcdlVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")).version;
}

/** Whether `file` is an executable regular file. */
export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
