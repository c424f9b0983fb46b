// `npm start`: builds when there is no build or the sources changed since the last one,
// then runs the production server. Migrations and the demo seed (embedded database only)
// run inside the server at start.
import { ensureBuild, serverEntry } from './ensure-build.js';

ensureBuild(process.argv.includes('--build'));
process.env.NODE_ENV ??= 'production';
await import(serverEntry);
