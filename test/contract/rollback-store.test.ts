import { openPglite, requirePostgres, testPostgres } from '../helpers/services';
import { rollbackStoreContract } from './rollback-store.contract';

rollbackStoreContract('PGlite', () => openPglite());

const pg = testPostgres();
(requirePostgres() ? describe : describe.skip)('PostgreSQL', () => {
  afterAll(() => pg.drop());
  // a pool larger than one, so concurrent calls really run on separate connections
  rollbackStoreContract('PostgreSQL', () => pg.open({ max: 10 }));
});
