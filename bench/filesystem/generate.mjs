// Generates the benchmark workloads under a folder: a tree of N small files (a monorepo's shape:
// packages / src folders / modules, mixed text and a few binary files, one rare string), and
// a large text file of lines. Deterministic (seeded), so every run measures the same tree.
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export const RARE = 'zqxj_needle_7f3a';

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = (
  'const let function return import export from class extends interface type async await ' +
  'value result error config options server client request response handler module index path ' +
  'string number boolean array object promise buffer stream folder file line token cursor'
).split(' ');
const EXTS = ['.ts', '.ts', '.ts', '.js', '.md', '.json', '.txt', '.css'];

function line(next) {
  const n = 3 + Math.floor(next() * 9);
  const parts = [];
  for (let i = 0; i < n; i++) parts.push(WORDS[Math.floor(next() * WORDS.length)]);
  return `${'  '.repeat(Math.floor(next() * 3))}${parts.join(' ')};\n`;
}

/** A tree of `files` files: 50 packages x 10 folders x 10 subfolders x ~20 files. */
export function generateTree(root, files = 100_000) {
  const marker = path.join(root, `.complete-${files}`);
  if (existsSync(marker)) return root;
  const next = rng(42);
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, '.gitignore'), '*.log\nbuild/\ncoverage/\n');
  const perLeaf = Math.ceil(files / (50 * 10 * 10));
  let written = 0;
  const rareAt = Math.floor(files * 0.73);
  for (let p = 0; p < 50 && written < files; p++) {
    for (let d = 0; d < 10 && written < files; d++) {
      for (let s = 0; s < 10 && written < files; s++) {
        const dir = path.join(root, `pkg-${p}`, `dir-${d}`, `sub-${s}`);
        mkdirSync(dir, { recursive: true });
        for (let f = 0; f < perLeaf && written < files; f++, written++) {
          if (written % 997 === 0) {
            const bin = Buffer.alloc(2048);
            for (let i = 0; i < bin.length; i++) bin[i] = Math.floor(next() * 256);
            writeFileSync(path.join(dir, `image-${f}.png`), bin);
            continue;
          }
          const ext = EXTS[Math.floor(next() * EXTS.length)];
          const lines = 10 + Math.floor(next() * 60);
          let body = '';
          for (let l = 0; l < lines; l++) body += line(next);
          if (written === rareAt) body += `// ${RARE} marks the one file a content search should find\n`;
          writeFileSync(path.join(dir, `file-${f}${ext}`), body);
        }
      }
    }
  }
  writeFileSync(marker, '');
  return root;
}

/** A text file of about `bytes` bytes of numbered lines, written in 8 MiB blocks. */
export function generateLargeFile(file, bytes = 1024 ** 3) {
  if (existsSync(`${file}.complete`)) return file;
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  let written = 0;
  let n = 0;
  while (written < bytes) {
    let block = '';
    while (block.length < 8 * 1024 * 1024)
      block += `line ${++n} of the large file, padded to look like a log record\n`;
    written += writeSync(fd, block);
  }
  closeSync(fd);
  writeFileSync(`${file}.complete`, '');
  return file;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? path.join(process.cwd(), 'bench/.work/filesystem');
  console.time('tree');
  generateTree(path.join(dir, 'tree'));
  console.timeEnd('tree');
  console.time('large');
  generateLargeFile(path.join(dir, 'large.txt'));
  console.timeEnd('large');
}
