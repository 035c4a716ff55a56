/** `npm run migrate`: create the database if needed and apply pending migrations. */
import { loadEnv } from '../config/env';
import { migrate } from './data-source';

const env = loadEnv();
migrate(env.DATABASE_URL)
  .then((ran) => {
    console.log(ran.length ? `Applied migrations: ${ran.join(', ')}` : 'The database is up to date.');
  })
  .catch((err: unknown) => {
    console.error('Migration failed:', err);
    process.exit(1);
  });
