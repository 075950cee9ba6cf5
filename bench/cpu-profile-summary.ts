/**
 * Summarises a V8 CPU profile (node --cpu-prof, or `npm run bench -- --profile`): self time by function, and
 * by package / project folder.
 *   npx tsx bench/cpu-profile-summary.ts FILE.cpuprofile [rows, default 30]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: npx tsx bench/cpu-profile-summary.ts FILE.cpuprofile [rows]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const rows = Number(rowsArg ?? 30);
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const selfByNode = new Map<number, number>();
profile.samples.forEach((id, i) => selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfByNode.values()].reduce((a, b) => a + b, 0);

const where = (url: string): string => {
  if (!url) return '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return 'node';
  const project = /\/work\/main\/([^/]+(?:\/[^/]+)?)/.exec(url);
  return project ? project[1] : url;
};

const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
for (const [id, us] of selfByNode) {
  const frame = nodes.get(id)!.callFrame;
  const place = where(frame.url);
  const key = `${frame.functionName || '(anonymous)'}  ${place}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  byPlace.set(place, (byPlace.get(place) ?? 0) + us);
}
const print = (title: string, entries: Map<string, number>) => {
  process.stdout.write(`${title}\n`);
  for (const [key, us] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(6)}% ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}\n`);
  }
};
process.stdout.write(`${file}: ${(total / 1000).toFixed(0)} ms sampled\n`);
print('\nself time by function', byFunction);
print('\nself time by package or folder', byPlace);
