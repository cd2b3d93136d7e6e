// tsc compiles .ts only; SQL migrations and static web files are copied next to the output.
const fs = require('node:fs');
const path = require('node:path');
const root = path.resolve(__dirname, '..');
const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]);
for (const file of walk(path.join(root, 'src'))) {
  if (/\.(ts|tsx)$/.test(file)) continue;
  const dest = path.join(root, 'dist', path.relative(path.join(root, 'src'), file));
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(file, dest);
}
