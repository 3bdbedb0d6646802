import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(os.tmpdir(), 'repair-relay-parent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('watchParent (the local host stops with whatever started it)', () => {
  it('calls back once the parent shell is killed outright, so an orphaned host does not keep its port', async () => {
    const script = path.join(dir, 'child.ts');
    writeFileSync(
      script,
      `import { watchParent } from ${JSON.stringify(path.resolve(__dirname, '../../dev/parentWatch.ts'))};
       watchParent(() => { console.log('parent gone'); process.exit(0); }, 50);
       setInterval(() => undefined, 1000);
       console.log('watching');`,
    );
    // tsx as a loader, in this process (its CLI would put a process of its own between); `; true`
    // keeps the shell as the parent, as `npm start`'s shell is without exec.
    const shell = spawn('sh', ['-c', `"${process.execPath}" --import tsx "${script}"; true`], {
      cwd: path.resolve(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    let output = '';
    shell.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      for (let waited = 0; !output.includes('watching'); waited += 50) {
        if (waited > 20_000) throw new Error('the child never started');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      shell.kill('SIGKILL');
      for (let waited = 0; !output.includes('parent gone'); waited += 50) {
        if (waited > 5_000) throw new Error(`the child did not notice its parent had gone: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(output).toContain('parent gone');
    } finally {
      try {
        process.kill(-shell.pid!, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    }
  }, 30_000);
});
