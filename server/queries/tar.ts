// A minimal ustar writer, so "download the Prisma migration folder" is one file any `tar -xf` unpacks into
// prisma/migrations/<name>/migration.sql, without a zip dependency. Pure: files in, bytes out.

export interface TarFile {
  /** Relative path with '/' separators, ASCII, no '..' segments. */
  path: string;
  content: string | Uint8Array;
  mode?: number;
}

const enc = new TextEncoder();

function writeString(buf: Uint8Array, offset: number, length: number, value: string) {
  const bytes = enc.encode(value);
  if (bytes.length > length) throw new RangeError(`tar: "${value}" does not fit in ${length} bytes`);
  buf.set(bytes, offset);
}

function writeOctal(buf: Uint8Array, offset: number, length: number, value: number) {
  // length-1 octal digits, then NUL
  writeString(buf, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

/** Splits a long path into ustar's prefix (≤155) and name (≤100) at a '/'. */
export function splitTarPath(path: string): { prefix: string; name: string } {
  if (enc.encode(path).length <= 100) return { prefix: '', name: path };
  for (let i = path.length - 1; i > 0; i--) {
    if (path[i] !== '/') continue;
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (enc.encode(prefix).length <= 155 && enc.encode(name).length <= 100 && name.length > 0) return { prefix, name };
  }
  throw new RangeError(`tar: path too long for ustar: ${path}`);
}

function header(path: string, size: number, mtime: number, type: '0' | '5', mode: number): Uint8Array {
  const h = new Uint8Array(512);
  const { prefix, name } = splitTarPath(path);
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, mode);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, Math.floor(mtime));
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  writeString(h, 156, 1, type);
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  writeString(h, 265, 32, 'perfdeck');
  writeString(h, 297, 32, 'perfdeck');
  writeString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  writeString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

function checkPath(path: string) {
  if (!path || path.startsWith('/') || path.split('/').some((s) => s === '..' || s === '') || /[^\x20-\x7e]/.test(path)) {
    throw new RangeError(`tar: unsafe path ${JSON.stringify(path)}`);
  }
}

/** A tar archive with the parent directories of every file, then the files, then the two-block end marker. */
export function createTar(files: readonly TarFile[], opts: { mtime?: Date } = {}): Uint8Array {
  const mtime = (opts.mtime ?? new Date()).getTime() / 1000;
  const parts: Uint8Array[] = [];
  const dirs = new Set<string>();
  for (const f of files) {
    checkPath(f.path);
    const segs = f.path.split('/');
    for (let i = 1; i < segs.length; i++) {
      const d = `${segs.slice(0, i).join('/')}/`;
      if (dirs.has(d)) continue;
      dirs.add(d);
      parts.push(header(d, 0, mtime, '5', 0o755));
    }
    const data = typeof f.content === 'string' ? enc.encode(f.content) : f.content;
    parts.push(header(f.path, data.length, mtime, '0', f.mode ?? 0o644));
    parts.push(data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(1024));
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Reads back what createTar wrote (names, types, contents): for tests and for checking a download. */
export function readTar(bytes: Uint8Array): { path: string; type: 'file' | 'dir'; content: string }[] {
  const dec = new TextDecoder();
  const cstr = (b: Uint8Array) => dec.decode(b.subarray(0, b.indexOf(0) === -1 ? b.length : b.indexOf(0)));
  const out: { path: string; type: 'file' | 'dir'; content: string }[] = [];
  let o = 0;
  while (o + 512 <= bytes.length) {
    const h = bytes.subarray(o, o + 512);
    if (h.every((b) => b === 0)) break;
    const name = cstr(h.subarray(0, 100));
    const prefix = cstr(h.subarray(345, 500));
    const size = parseInt(cstr(h.subarray(124, 136)), 8);
    const stored = parseInt(cstr(h.subarray(148, 156)).trim(), 8);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
    if (sum !== stored) throw new Error(`tar: bad checksum for ${name}`);
    const type = String.fromCharCode(h[156]) === '5' ? 'dir' : 'file';
    o += 512;
    out.push({ path: prefix ? `${prefix}/${name}` : name, type, content: dec.decode(bytes.subarray(o, o + size)) });
    o += Math.ceil(size / 512) * 512;
  }
  return out;
}
