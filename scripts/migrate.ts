import { openDatabaseForScript } from '../db/open-for-script';

// `npm run db:migrate`: applies pending migrations to DATABASE_URL (or the embedded database).
const handle = await openDatabaseForScript({ migrate: true });
await handle.close();
console.log('Migrations applied');
