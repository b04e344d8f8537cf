// `npm run build`: the CLI's server list generated from the workspaces, every TypeScript project
// type-checked and emitted (tsc -b over the workspace list), then the CLI bundled.
// `--clean` removes what tsc emitted instead.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot as root, serverListModule, typescriptProjects } from './workspaces.mjs';

const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: false });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const projects = typescriptProjects().map(({ dir }) => dir);

if (process.argv.includes('--clean')) {
  run(process.execPath, [tsc, '-b', '--clean', ...projects]);
  process.exit(0);
}

generateServerList();
run(process.execPath, [tsc, '-b', ...projects]);
run('npm', ['run', 'bundle', '--silent', '-w', 'packages/cli']);

/** packages/cli/src/servers.generated.ts, the list `mcpkit serve <name>` serves. */
function generateServerList() {
  writeFileSync(path.join(root, 'packages/cli/src/servers.generated.ts'), serverListModule(root));
}
