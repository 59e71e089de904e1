// Lays the task machine's chart out once at build time (ELK takes about a second to load) and
// ships it with the page as dist/ui/chart.json; the server serves that file, so the CLI's bundle
// needs no ELK. Runs after tsc (dist/chart/) and vite (dist/ui/).
import { writeFile } from 'node:fs/promises';
import { taskChart } from './dist/chart/task-chart.js';

await writeFile(new URL('dist/ui/chart.json', import.meta.url), JSON.stringify(await taskChart()));
