/**
 * `paper-lab run` onto a disk that fills up (a 64 KiB tmpfs; needs root and mount, skipped
 * elsewhere): a one-line error naming the file, exit status 1, run.json `failed`, and no
 * temporary files left behind.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunRecord } from '../../../src/shared/runs';
import { filesUnder, runCli, toy } from './cliProcess';

describe('cli: a run on a full disk', function () {
  this.timeout(120000);
  let mountPoint: string | undefined;

  before(function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lab-tmpfs-'));
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { encoding: 'utf8' });
    if (mounted.status !== 0) {
      fs.rmdirSync(dir);
      this.skip(); // mounting a tmpfs is not permitted here
    }
    mountPoint = dir;
  });

  after(() => {
    if (mountPoint === undefined) return;
    spawnSync('umount', [mountPoint]);
    fs.rmdirSync(mountPoint);
  });

  it('fails with one line naming the file, exit 1, run.json failed, no *.tmp left', async () => {
    const disk = mountPoint as string;
    // Leave about three pages free: run.json and metrics fit, a 32 KiB output does not.
    const { bavail, bsize } = fs.statfsSync(disk);
    fs.writeFileSync(path.join(disk, 'filler'), Buffer.alloc(Math.max(0, (bavail - 3) * bsize)));
    const out = path.join(disk, 'run');
    const r = await runCli(['run', ...toy(5), '--set', 'outputKb=32', '--out', out]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`^error: could not write ${out}/outputs/note\\.json: no space left on device \\(ENOSPC\\)$`, 'm'),
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    const record = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(record.status, 'failed');
    assert.equal(typeof record.endedAt, 'string');
    assert.match(record.error ?? '', /no space left on device \(ENOSPC\)/);
    assert.deepEqual(
      filesUnder(out).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });
});
