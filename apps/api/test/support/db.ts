import { Client } from 'pg';
import { readRunState } from './test-db';

/** A direct connection to this run's database, for checks the API cannot make. */
export async function connectDb(): Promise<Client> {
  const client = new Client({ connectionString: readRunState().databaseUrl });
  await client.connect();
  return client;
}
